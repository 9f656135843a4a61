import type { Psa } from "../../ports/index.ts";

/**
 * Posts a note once: the marker (the step's idempotency key) is written into the note, and looked for
 * first, so a retry after a crash or a lost answer finds the note instead of posting it again.
 */
export async function postNoteOnce(
  psa: Psa,
  ticketId: string,
  marker: string,
  text: () => Promise<string>,
): Promise<{ posted: boolean; noteId: string }> {
  const there = await psa.findNote(ticketId, marker);
  if (there) return { posted: false, noteId: there.id };
  const note = await psa.addNote(ticketId, { text: await text(), marker });
  return { posted: true, noteId: note.id };
}
