/**
 * Extra records per archived file, written after its conversion records and before its
 * transclusion metadata (see `RecordExtension` in plan-file.ts): characterization metadata.
 */
import { warcDate } from '../util/timestamps.js';
import { CHARACTERIZATION_CONTENT_TYPE, characterizationRecord, type SourceCharacterizations } from './characterization.js';
import type { RecordExtension } from './plan-file.js';
import type { PlanSources } from './plan-sources.js';

/** `characterize`: the source's ffprobe JSON concurrent to its resource record, each output's to its conversion record. */
function characterization(all: ReadonlyMap<string, SourceCharacterizations>): RecordExtension {
  return function* (file, ctx) {
    const known = all.get(file.url);
    if (!known) return;
    const version = ctx.options.warcVersion;
    const created = (): [string, string] => ['WARC-Creation-Date', warcDate(ctx.now(), version)];
    const log = (url: string, date: Date): void => ctx.log?.({ file: '-', 'Record-Type': 'metadata', URL: url, timestamp: warcDate(date, version), 'Content-Type': CHARACTERIZATION_CONTENT_TYPE });
    if (known.source) {
      log(file.url, file.date);
      yield characterizationRecord(known.source, { recordId: ctx.makeId(), concurrentTo: file.recordId, targetUri: file.url, date: file.date, created: created() });
    }
    for (const conversion of file.conversions) {
      const json = known.outputs.get(conversion.result.url);
      if (!json || conversion.recordId === undefined) continue;
      log(conversion.url, conversion.date);
      yield characterizationRecord(json, { recordId: ctx.makeId(), concurrentTo: conversion.recordId, targetUri: conversion.url, date: conversion.date, created: created() });
    }
  };
}

/** The record makers the run's sources ask for, in the order their records are written. */
export function recordExtensions(sources: PlanSources): RecordExtension[] {
  return sources.characterizations ? [characterization(sources.characterizations)] : [];
}
