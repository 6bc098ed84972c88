/** Read a YAML file into plain data; unreadable or invalid files become the caller's error, naming the file. */
import { readFile } from 'node:fs/promises';

export async function readYamlFile(file: string, fail: (message: string) => Error): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fail(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return (await import('yaml')).parse(text); // loaded only when a YAML file is read
  } catch (error) {
    throw fail(`${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}
