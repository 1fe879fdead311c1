// The native CLI for browser tests that paste a page's command into a shell.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let built = null;
/** The CLI binary: `QISIM_BIN`, else the workspace's debug build (built once if stale). */
export function qisimBin() {
  if (process.env.QISIM_BIN) return process.env.QISIM_BIN;
  if (!built) {
    execFileSync('cargo', ['build', '-q', '-p', 'qisim-cli'], { cwd: root, stdio: 'inherit' });
    built = path.join(root, 'target', 'debug', 'qisim');
  }
  return built;
}

/**
 * Runs `command` as a user pastes it (`bash -c`, `qisim` on the PATH) in a fresh folder that
 * holds `files` ({ name, contents }); returns spawnSync's result.
 */
export function paste(command, files = []) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qisim-repro-'));
  for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.contents);
  const bin = path.dirname(qisimBin());
  const r = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  fs.rmSync(dir, { recursive: true, force: true });
  return r;
}
