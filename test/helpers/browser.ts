/// <reference lib="dom" />
/**
 * Debian's Chromium driven by playwright-core for the replay tests, and what a test checks in
 * a replayed page: each <video>/<audio> loads and plays.
 */
import { existsSync } from 'node:fs';
import type { Browser, Frame } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why a browser test cannot run here, or false. */
export const browserSkip: string | false = existsSync(CHROMIUM) ? false : `needs Debian's chromium at ${CHROMIUM} (apt-get install chromium; .ci/run installs it)`;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps reaching for Google's hosts.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}

export interface PlayedMedia {
  tag: string;
  /** What warckit put it in for (data-warckit-media). */
  media: string | null;
  ready: number;
  advanced: number;
  src: string;
  width: number;
  height: number;
  error: string | null;
}

/** Wait for `count` media elements in the frame, then play each (muted) and report how it went. */
export async function playAll(frame: Frame, count: number): Promise<PlayedMedia[]> {
  return frame.evaluate(async (expected) => {
    const waitFor = async (check: () => boolean, ms: number): Promise<boolean> => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (check()) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return check();
    };
    await waitFor(() => document.querySelectorAll('video, audio').length >= expected, 15000);
    // Anything still coming in (a late transclusion) has had its chance.
    await new Promise((r) => setTimeout(r, 300));
    const out = [];
    for (const el of Array.from(document.querySelectorAll<HTMLMediaElement>('video, audio'))) {
      el.muted = true;
      await waitFor(() => el.readyState >= 3, 15000);
      const ready = el.readyState;
      await el.play().catch(() => undefined);
      const start = el.currentTime;
      await waitFor(() => el.currentTime > start + 0.2, 5000);
      const rect = el.getBoundingClientRect();
      out.push({ tag: el.tagName.toLowerCase(), media: el.getAttribute('data-warckit-media'), ready, advanced: el.currentTime - start, src: el.currentSrc, width: Math.round(rect.width), height: Math.round(rect.height), error: el.error?.message ?? null });
    }
    return out;
  }, count);
}
