/**
 * The public API is documented: every export of src/index.ts (followed through its re-export to
 * the declaration) has a JSDoc comment, and internals stay internal.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const INDEX = resolve('src/index.ts');

function program(): { checker: ts.TypeChecker; exports: ts.Symbol[] } {
  const config = ts.readConfigFile(resolve('tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, resolve('.'));
  const prog = ts.createProgram([INDEX], parsed.options);
  const checker = prog.getTypeChecker();
  const module = checker.getSymbolAtLocation(prog.getSourceFile(INDEX)!)!;
  return { checker, exports: checker.getExportsOfModule(module) };
}

function documented(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  if (target.getDocumentationComment(checker).length > 0) return true;
  // A constant's comment sits on its statement.
  return (target.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length > 0 || (ts.isVariableDeclaration(d) && ts.getJSDocCommentsAndTags(d.parent.parent).length > 0));
}

test('every export of src/index.ts has JSDoc', (t) => {
  const { checker, exports } = program();
  const missing = exports.filter((s) => !documented(s, checker)).map((s) => s.name);
  t.diagnostic(`${exports.length} exports, ${exports.length - missing.length} with JSDoc`);
  assert.ok(exports.length >= 60, `${exports.length} exports`);
  assert.deepEqual(missing, [], `exports without JSDoc: ${missing.join(', ')}`);
});

test('internals are not exported', () => {
  const { exports } = program();
  const names = new Set(exports.map((s) => s.name));
  for (const internal of ['openAtomicFiles', 'normalizeConvertOptions', 'normalizeWarcOptions', 'chooseLevel', 'WarcWriter', 'serializeHead', 'gzipMember', 'formatDigest', 'SmallRecordPool', 'RecordInput']) {
    assert.ok(!names.has(internal), `${internal} is internal`);
  }
  for (const needed of ['convertMedia', 'writeWarc', 'planWarcRecords', 'writeWarcRecords', 'toWarcioRecords', 'TransclusionLookup', 'lookupTransclusions', 'injectTransclusionsIntoBytes', 'FileEntry', 'ConversionRule', 'ConversionResult', 'TransclusionManifest', 'TransclusionRecord']) {
    assert.ok(names.has(needed), needed);
  }
});
