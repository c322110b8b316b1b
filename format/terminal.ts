/**
 * Text from data for a terminal line: control characters (which could move the cursor, clear
 * the screen or set a window title: ESC, C1 controls, DEL), line breaks and bidirectional
 * overrides are shown as `\uXXXX`, so a field prints as the one line it claims to be.
 */
const UNSAFE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

export function terminalText(text: string): string {
  return text.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Several lines (a tool's output): each line as terminalText, the line breaks kept. */
export function terminalLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/).map(terminalText);
}
