/**
 * warckit's transclusion client, for pywb (inject_scripts, or in place of its static
 * transclusions.js) and ReplayWeb.page / wabac.js (injectScripts): every media of the page
 * found by the replay lookup rule plays again as <video>/<audio>. See the README, "Replay".
 */
import { applyTransclusions } from './apply.js';
import { findTransclusions } from './find.js';
import { findReplay } from './replay-env.js';
import { repairEmbedIframes } from './wabac-repair.js';

function whenParsed(doc: Document, run: () => void): void {
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', run, { once: true });
  else run();
}

(function start(win: Window): void {
  const env = findReplay(win);
  // Loaded twice (an operator added it both ways) or not in a replayed page: nothing to do.
  if (!env || win.__warckitTransclusions) return;
  win.__warckitTransclusions = true;
  const found = findTransclusions(env);
  whenParsed(win.document, () => {
    if (env.kind === 'wabac') repairEmbedIframes(win.document);
    void found.then((result) => {
      if (result) applyTransclusions(win.document, env, result);
    });
  });
})(window);
