/** A "converter" for rules files that writes FFV1 and then flips one byte in the middle of it. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mediaTools } from '../convert/clips.js';

const FLIPPER = `import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
const [ffmpeg, input, output] = process.argv.slice(2);
execFileSync(ffmpeg, ['-v', 'error', '-y', '-nostdin', '-i', input, '-map', '0:V', '-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1', output]);
const data = readFileSync(output);
data[Math.floor(data.length / 2)] ^= 0xff;
writeFileSync(output, data);
`;

/** Write `flip.mjs` and a rules file using it (`verify: lossless`) into `dir`; returns the rules file. */
export async function flipperRules(dir: string, ext = '.avi'): Promise<string> {
  const { ffmpeg } = await mediaTools();
  await writeFile(join(dir, 'flip.mjs'), FLIPPER);
  const rules = join(dir, 'flip-rules.yaml');
  await writeFile(
    rules,
    `file_types:
  - ext: ${ext}
    conversion_rules:
      - {name: ffv1_flipped, ext: mkv, args: ['${process.execPath}', '{rules_dir}/flip.mjs', '${ffmpeg}', '{input}', '{output}'], verify: lossless, purpose: preservation}
`,
  );
  return rules;
}
