/** One SSE frame as a client sees it. */
export interface SseFrame {
  event?: string;
  data: string;
  comment?: string;
}

/** Splits an SSE body into frames (enough for assertions: `event:`, joined `data:` lines, comments). */
export function parseSseText(text: string): SseFrame[] {
  const frames: SseFrame[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split('\n\n')) {
    if (block.trim() === '') continue;
    const frame: SseFrame = { data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) frame.comment = line.slice(1).trim();
      else if (line.startsWith('event:')) frame.event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    frame.data = data.join('\n');
    frames.push(frame);
  }
  return frames;
}

/** The JSON payloads of the data frames, `[DONE]` left out. */
export function dataObjects(frames: SseFrame[]): Array<Record<string, unknown>> {
  return frames
    .filter((f) => f.data !== '' && f.data !== '[DONE]')
    .map((f) => JSON.parse(f.data) as Record<string, unknown>);
}
