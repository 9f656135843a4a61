import { chmodSync, lstatSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** No group or world bits: the data folder holds the database, the master key and the audit checkpoint. */
const othersBits = 0o077;

/**
 * Files and folders this process creates from now on are its owner's alone. Called before the store
 * opens, so nothing is ever readable by others, not even for the moment between creating and tightening.
 */
export function usePrivateUmask(): void {
  if (process.platform !== "win32") process.umask(othersBits);
}

/**
 * Takes group and world access away from the data folder and what Lifecycle keeps in it: its own files
 * at the top and the whole embedded database (PGlite writes its ~1,000 files 0666 whatever the umask).
 * Other subfolders are left as they are, in case the folder was pointed somewhere shared such as a home
 * directory; the folder's own 0700 already keeps everyone else out of them.
 */
export function makeDataDirPrivate(dataDir: string, databaseFolder = "pglite"): void {
  if (process.platform === "win32") return;
  // The folder itself may be a link to where the data really is; that folder is the one to close.
  tighten(dataDir, statSync);
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    const path = join(dataDir, entry.name);
    if (entry.isFile()) tighten(path);
    else if (entry.isDirectory() && entry.name === databaseFolder) tightenTree(path);
  }
}

function tightenTree(root: string): void {
  const folders = [root];
  for (let dir = folders.pop(); dir !== undefined; dir = folders.pop()) {
    tighten(dir);
    for (const entry of entriesOf(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) folders.push(path);
      else if (entry.isFile()) tighten(path);
      // Symbolic links are skipped: chmod would follow one to wherever it points.
    }
  }
}

function entriesOf(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (isGone(err)) return [];
    throw err;
  }
}

function tighten(path: string, stat = lstatSync): void {
  try {
    const { mode } = stat(path);
    if ((mode & othersBits) !== 0) chmodSync(path, mode & 0o7777 & ~othersBits);
  } catch (err) {
    // The database removes its temporary files as it likes; one gone between listing and chmod is fine.
    if (!isGone(err)) throw err;
  }
}

const isGone = (err: unknown) => (err as NodeJS.ErrnoException).code === "ENOENT";
