// Structured one-line JSON logs; quiet in tests unless RETAIN_LOG is set.
type Fields = Record<string, unknown>;
const level = process.env.RETAIN_LOG ?? (process.env.NODE_ENV === "test" || process.env.VITEST ? "error" : "info");
const order = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 } as const;
const threshold = order[level as keyof typeof order] ?? 20;

function write(lvl: keyof typeof order, msg: string, fields?: Fields): void {
  if (order[lvl] < threshold) return;
  const line = JSON.stringify({ t: new Date().toISOString(), lvl, msg, ...fields });
  (lvl === "error" || lvl === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

export const log = {
  debug: (m: string, f?: Fields) => write("debug", m, f),
  info: (m: string, f?: Fields) => write("info", m, f),
  warn: (m: string, f?: Fields) => write("warn", m, f),
  error: (m: string, f?: Fields) => write("error", m, f),
};
