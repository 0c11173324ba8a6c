import type { Readable, Writable } from "node:stream";

/** Largest frame the tunnel sends (the agent's own limit is the same: runtime/src/agent/ssh/websocket-stream.ts). */
const MAX_FRAME = 256 * 1024;

/**
 * Pipes `input` into `output` (the tunnel's WebSocket stream, one frame per write) joining chunks:
 * a chunk read while no frame is being written goes out at once, and the chunks read while one is
 * (ssh's 32–64 KB writes, when workerd reads slower than ssh writes) leave together as one frame of
 * up to `max` bytes when it completes. Reading pauses while a full frame waits, so memory stays
 * bounded; `output` is ended once everything read has been written.
 */
export function pipeCoalesced(input: Readable, output: Writable, max = MAX_FRAME): () => void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let writing = false;
  let ended = false;
  let stopped = false;

  const send = () => {
    if (writing || stopped) return;
    if (pendingBytes === 0) {
      if (ended) output.end();
      return;
    }
    const frame = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    writing = true;
    output.write(frame, (err) => {
      writing = false;
      if (err) return;
      if (!ended && !stopped) input.resume();
      send();
    });
  };
  const onData = (chunk: Buffer) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= max) input.pause();
    send();
  };
  const onEnd = () => {
    ended = true;
    send();
  };
  input.on("data", onData);
  input.once("end", onEnd);
  // Stops the pipe: no more reads, nothing more written.
  return () => {
    stopped = true;
    input.off("data", onData);
    input.off("end", onEnd);
  };
}
