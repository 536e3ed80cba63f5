// Every line the installer prints is prefixed so it stands out in npm's output.

export function log(...lines) {
  for (const line of lines) console.log(`kws-studio: ${line}`);
}

// Warnings go to stderr so they survive `npm install > /dev/null`.
log.warn = (...lines) => {
  for (const line of lines) console.error(`kws-studio: ${line}`);
};

// "1.8 s" for a start time taken with performance.now().
export function seconds(startMs) {
  return `${((performance.now() - startMs) / 1000).toFixed(1)} s`;
}
