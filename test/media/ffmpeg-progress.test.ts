import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FfmpegProgressReader, withProgressFlags } from '../../src/media/ffmpeg-progress.js';

test('-progress pipe:1 goes right after ffmpeg, never into commands that use stdout or are not ffmpeg', () => {
  assert.deepEqual(withProgressFlags(['/usr/bin/ffmpeg', '-y', '-i', 'a.flv', 'a.webm']), ['/usr/bin/ffmpeg', '-progress', 'pipe:1', '-y', '-i', 'a.flv', 'a.webm']);
  assert.equal(withProgressFlags(['cp', 'a', 'b']), undefined);
  assert.equal(withProgressFlags(['/usr/bin/ffprobe', '-i', 'a.flv']), undefined);
  assert.equal(withProgressFlags(['ffmpeg', '-i', 'a.flv', '-f', 'webm', '-']), undefined);
  assert.equal(withProgressFlags(['ffmpeg', '-progress', 'x.log', '-i', 'a.flv', 'b.webm']), undefined);
});

test('progress blocks and the Duration line, in any chunking, give a fraction', () => {
  const stderr = 'Input #0, flv, from \'a.flv\':\n  Duration: 00:01:00.00, start: 0.000000, bitrate: 300 kb/s\n';
  const stdout = 'frame=10\nout_time_us=15000000\nout_time=00:00:15.000000\nprogress=continue\nframe=20\nout_time_us=45000000\nprogress=continue\nout_time_us=60000000\nprogress=end\n';
  for (const size of [1, 7, 1000]) {
    const reader = new FfmpegProgressReader();
    for (let i = 0; i < stderr.length; i += size) reader.pushStderr(stderr.slice(i, i + size));
    const fractions: number[] = [];
    for (let i = 0; i < stdout.length; i += size) if (reader.pushStdout(stdout.slice(i, i + size))) fractions.push(reader.state.fraction!);
    // One push may hold several blocks: it is told once, with the latest.
    assert.deepEqual(fractions, size < stdout.length ? [0.25, 0.75, 1] : [1], `chunks of ${size}`);
    assert.equal(reader.state.duration, 60);
    assert.equal(reader.state.done, true);
  }
  const unknown = new FfmpegProgressReader();
  unknown.pushStdout('out_time_us=5000000\nprogress=continue\n');
  assert.deepEqual(unknown.state, { seconds: 5, done: false });
});
