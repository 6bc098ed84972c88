import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandTemplate, renderArgv, shellQuote, splitCommand, TemplateSyntaxError } from '../../src/rules/template.js';

test('commands split on whitespace; quotes group; nothing else is special', () => {
  const cases: Array<[string, string[]]> = [
    ['ffmpeg -y -i {input} {output}', ['ffmpeg', '-y', '-i', '{input}', '{output}']],
    ['  ffmpeg   -i\t{input}\n{output} ', ['ffmpeg', '-i', '{input}', '{output}']],
    [`ffmpeg -vf "scale=w='min(640,iw)':h=-2" {output}`, ['ffmpeg', '-vf', "scale=w='min(640,iw)':h=-2", '{output}']],
    [`a 'b c' "" x\\,y $HOME; \`z\``, ['a', 'b c', '', 'x\\,y', '$HOME;', '`z`']],
  ];
  for (const [command, argv] of cases) assert.deepEqual(splitCommand(command), argv, command);
  assert.throws(() => splitCommand('ffmpeg "unterminated'), TemplateSyntaxError);
});

test('placeholders are substituted inside one argument, so a file name is always one argv entry', () => {
  const template = parseCommandTemplate('ffmpeg -i {input} -metadata title={{x}} file:{output}');
  const hostile = [`a b.flv`, `it's "q".flv`, '$(rm -rf ~);x.flv', '-y.flv', 'vidéo ñ.flv', '{output}.flv'];
  for (const name of hostile) {
    const argv = renderArgv(template, { input: `/in/${name}`, output: `/out/${name}.webm` });
    assert.deepEqual(argv, ['ffmpeg', '-i', `/in/${name}`, '-metadata', 'title={x}', `file:/out/${name}.webm`]);
  }
  assert.deepEqual(renderArgv(parseCommandTemplate(['ffmpeg', '-i', '{input}', '{output}']), { input: 'a b', output: 'c' }), ['ffmpeg', '-i', 'a b', 'c']);
});

test('unknown placeholders and stray braces are errors that say what to write', () => {
  assert.throws(() => parseCommandTemplate('ffmpeg -i {source} {output}'), /unknown placeholder \{source\}.*use \{input\} or \{output\}/);
  assert.throws(() => parseCommandTemplate('ffmpeg -i {input {output}'), /unknown placeholder/);
  assert.throws(() => parseCommandTemplate('ffmpeg x} {output}'), /single \}/);
  assert.throws(() => parseCommandTemplate('   '), /empty command/);
});

test('shellQuote reads back as the same argv in a POSIX shell', () => {
  assert.equal(shellQuote(['ffmpeg', '-i', "it's a.flv", 'x;y', 'plain-1.webm']), `ffmpeg -i 'it'\\''s a.flv' 'x;y' plain-1.webm`);
});
