import type { Readable } from 'node:stream';

/** One file to archive or convert: a file on disk or a member of a ZIP file. */
export interface FileEntry {
  /** Target URL: prefix + escaped path relative to the input. */
  url: string;
  /** The path users see and WARC-Source-URI carries: a file path, or `archive.zip/member/path`. */
  path: string;
  /** Path relative to the input, '/'-separated, before escaping. */
  relativePath: string;
  /** warcit's root_dir: the parent of a directory input ('' for file and ZIP inputs). */
  rootDir: string;
  size: number;
  mtime: Date;
  /** A file on disk that an external tool can open; absent for ZIP members. */
  filePath?: string;
  /** Set for ZIP members. */
  zip?: { archive: string; member: string };
  /** A fresh stream of the content each call. */
  open(): Promise<Readable>;
}

/** An input cannot be read: names it. */
export class InputError extends Error {
  override name = 'InputError';
}
