/**
 * Renders sample survey charts to a folder and prints render times, for looking at the output and
 * for a rough speed figure: `npx tsx scripts/render-sample-chart.ts /tmp/charts`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBarChartRenderer, type BarChartInput } from "../src/charts/bar-chart.js";

const outDir = process.argv[2] ?? "charts-out";
mkdirSync(outDir, { recursive: true });

const samples: Record<string, BarChartInput> = {
  "wishes-de": {
    title: "Was wünschen Sie sich am meisten für die Samtgemeinde Oldendorf-Himmelpforten?",
    bars: [
      { label: "Mehr Radwege zwischen den Ortsteilen Düdenbüttel und Großenwörden", count: 12 },
      { label: "Längere Öffnungszeiten im Bürgerbüro", count: 9 },
      { label: "Schnelleres Internet", count: 6 },
      { label: "Straßenfeste & Märkte", count: 3 },
      { label: "Nichts davon", count: 0 },
    ],
    locale: "de",
  },
  "villages-de": {
    title: "Wo wohnen Sie?",
    bars: ["Burweg", "Düdenbüttel", "Engelschoff", "Estorf", "Großenwörden", "Hammah", "Heinbockel", "Himmelpforten", "Kranenburg", "Oldendorf", "Anderswo", "Keine Angabe"].map(
      (label, i) => ({ label, count: [101, 99, 76, 143, 45, 307, 142, 513, 73, 298, 12, 0][i] ?? 0 }),
    ),
    locale: "de",
  },
  "empty-en": { title: "No answers yet", bars: [{ label: "Yes", count: 0 }, { label: "No", count: 0 }], locale: "en" },
};

const renderer = createBarChartRenderer();
for (const [name, input] of Object.entries(samples)) {
  const times: number[] = [];
  let png: Uint8Array = new Uint8Array();
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    png = await renderer.render(input);
    times.push(performance.now() - start);
  }
  const file = join(outDir, `${name}.png`);
  writeFileSync(file, png);
  const warm = times.slice(1).sort((a, b) => a - b);
  process.stdout.write(
    `${file}: ${png.length} bytes, first ${times[0]?.toFixed(1)} ms, warm median ${warm[Math.floor(warm.length / 2)]?.toFixed(1)} ms\n`,
  );
}
