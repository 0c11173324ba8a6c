/**
 * Groups the chunks a stream buffered while its previous frame was being written into WebSocket
 * frames of at most `max` bytes, in order. Small chunks are joined (one frame, one syscall, one
 * message for workerd to pass on instead of dozens); a chunk larger than `max` is cut into views
 * of itself, without copying.
 */
export function packFrames(chunks: readonly Buffer[], max: number): Buffer[] {
  const frames: Buffer[] = [];
  let group: Buffer[] = [];
  let size = 0;
  const close = () => {
    if (group.length === 0) return;
    frames.push(group.length === 1 ? group[0]! : Buffer.concat(group, size));
    group = [];
    size = 0;
  };
  for (const chunk of chunks) {
    let rest = chunk;
    while (rest.length > 0) {
      const room = max - size;
      if (rest.length <= room) {
        group.push(rest);
        size += rest.length;
        break;
      }
      if (size > 0 && rest.length <= max) {
        // Fits a frame of its own: start one rather than splitting the chunk.
        close();
        continue;
      }
      group.push(rest.subarray(0, room));
      size += room;
      rest = rest.subarray(room);
      close();
    }
    if (size >= max) close();
  }
  close();
  return frames;
}
