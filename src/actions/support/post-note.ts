import type { Psa } from "../../ports/index.ts";

/**
 * Posts a note once: the marker (the step's idempotency key) is written into the note, and looked for
 * first wherever an earlier attempt may have posted it (a crash, a lost answer, a retry), so that attempt's
 * note is found instead of posted again. `lookFirst` is false only on a step's first attempt, when no note
 * can carry the marker yet and the look would be one more listing of the ticket's notes.
 */
export async function postNoteOnce(
  psa: Psa,
  ticketId: string,
  marker: string,
  text: () => Promise<string>,
  opts: { lookFirst: boolean },
): Promise<{ posted: boolean; noteId: string }> {
  const there = opts.lookFirst ? await psa.findNote(ticketId, marker) : undefined;
  if (there) return { posted: false, noteId: there.id };
  const note = await psa.addNote(ticketId, { text: await text(), marker });
  return { posted: true, noteId: note.id };
}
