/**
 * warckit: legacy audio and video into web archives so that it still plays at replay.
 *
 * - {@link convertMedia}: convert media by YAML rules with ffmpeg (web and preservation copies, posters).
 * - {@link writeWarc}: files, directories, ZIP files and objects into a WARC file, with conversion
 *   records and transclusion metadata; {@link planWarcRecords} gives the same records as a stream,
 *   for {@link writeWarcRecords} (any Writable) or {@link toWarcioRecords} (warcio.js).
 * - {@link TransclusionLookup} and {@link injectTransclusionsIntoBytes}: at replay, what a page gets
 *   and the page with `<video>`/`<audio>` in place of its old players.
 * @packageDocumentation
 */

// Converting media
export { convertMedia, type ConversionOutcome, type ConversionStatus, type ConvertResult } from './convert/convert.js';
export { ConversionError, ConvertInterruptedError, ConvertOptionsError } from './convert/errors.js';
export { type ConvertOptions, DEFAULT_RESULTS_FILE } from './convert/options.js';
export type { ConvertEvent, ConvertProgress, RunningConversion } from './convert/progress.js';
export { type ConversionResult, type ConversionResults, readConversionResults, ResultsFileError, type RuleMetadata } from './convert/results.js';
export { writeConversionResults } from './convert/results-write.js';
export { DEFAULT_RULES_PATH, loadRules } from './rules/load.js';
export { matchRules } from './rules/match.js';
export { type ConversionRule, type RuleSet, RulesError } from './rules/schema.js';

// Writing WARCs
export { type WarcPart, writeWarc, type WriteWarcResult } from './warc/build.js';
export type { UnmatchedConversionSource } from './warc/conversion-match.js';
export type { DigestAlgorithm } from './warc/digest.js';
export type { SkippedConversion, WarcEvent, WarcProgress } from './warc/events.js';
export type { GzipLevelSetting } from './warc/gzip.js';
export { type MapfileEntry, MapfileError } from './warc/mapfile.js';
export { type WarcRecordOptions, WarcOptionsError, type WriteWarcOptions } from './warc/options.js';
export { planWarcRecords, WarcAbortedError, type WarcPlanReport, type WarcRecordPlan } from './warc/plan.js';
export type { RecordDigests, RecordHead, WarcVersion } from './warc/records.js';
export { type RecordSource, writeWarcRecords, type WriteRecordsOptions, type WriteRecordsResult } from './warc/sinks.js';
export { WarcTailError } from './warc/tail-check.js';
export { toWarcioRecords, type WarcioRecordsOptions } from './warc/warcio-records.js';
export { type BufferPayload, newRecordId, type Payload, PayloadReadError, type StreamPayload, type WarcRecordInput, WarcWriteError, type WrittenRecord } from './warc/writer.js';
export { OutputError, OutputExistsError, type WriteMode } from './util/atomic.js';
export { type LockOwner, OutputLockedError } from './util/file-lock.js';

// Inputs
export { type EntryInput, type FileEntry, InputError } from './inputs/entry.js';
export { type SkippedInput, type UnfollowedLink, walkInputs, type WalkOptions, type WalkResult } from './inputs/walk.js';

// Transclusion manifests
export type { TransclusionFormat } from './transclusions/formats.js';
export {
  loadTransclusionManifest,
  ManifestError,
  type TransclusionEntry,
  type TransclusionManifest,
  type TransclusionManifestDocument,
  type TransclusionPageInput,
} from './transclusions/manifest.js';

// Replay
export { clientScriptPath } from './replay/client-path.js';
export { ReplayInputError } from './replay/file-kind.js';
export { writeTransclusionIndex, type WriteIndexResult } from './replay/index-write.js';
export { injectTransclusions, injectTransclusionsIntoBytes, type InjectBytesOptions, type InjectBytesResult, type InjectOptions, type InjectResult } from './replay/inject.js';
export { buildTransclusionIndex, type LookupResult, lookupTransclusions, type TransclusionIndex } from './replay/lookup.js';
export { type MediaFormat, MetadataRecordError, parseTransclusionRecord, type Transclusion, type TransclusionRecord } from './replay/records.js';
export { renderMediaElement, type RenderOptions } from './replay/render.js';
export { TransclusionLookup } from './replay/transclusion-lookup.js';
export type { ScanProblem } from './replay/warc-scan.js';

export type { Logger } from './util/logger.js';
export { VERSION } from './version.js';

// Preservation: proof of conversions, fixity, what a WARC really holds
export type { Characterization, CharacterizedFile } from './convert/characterization.js';
export type { FixityReport } from './convert/fixity-run.js';
export { compareFramemd5, type Framemd5Comparison, type Framemd5Stream, parseFramemd5 } from './verify/framemd5.js';
export { type FixityAlgorithm, type FixityLine, FixityManifestError, formatManifest, parseManifest } from './verify/fixity.js';
export type { FixityProblem } from './verify/fixity-files.js';
export type { ArchivedStatus, VerifiedItem } from './verify/archived.js';
export { verifyArchive, VerifyInputError, type VerifyArchiveOptions, type VerifyReport } from './verify/verify.js';
export { reportJson, reportTable } from './verify/report.js';
