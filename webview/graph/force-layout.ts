// The panel's default force layout: Fruchterman-Reingold with repulsion only between nodes in neighbouring grid cells,
// so each iteration is linear in nodes + edges. Cytoscape's own `cose` repels every pair of nodes: measured 28 s for
// 1,000 nodes and 132 s for 2,000 in headless Chromium here (BENCHMARKS.md), far too slow for a default.
// Pure: no DOM, no Cytoscape.

export interface ForceLayoutOptions {
  /** Preferred edge length in model units. */
  edgeLength?: number;
  iterations?: number;
  /** Same seed, same drawing: a redraw does not reshuffle the graph. */
  seed?: number;
}

/**
 * Positions for `count` nodes joined by `edges` (pairs of node indexes), as [x0, y0, x1, y1, ...], centred on 0,0.
 */
export function forceLayout(count: number, edges: readonly (readonly [number, number])[], options: ForceLayoutOptions = {}): Float64Array {
  const k = options.edgeLength ?? 60;
  const iterations = options.iterations ?? defaultIterations(count);
  const random = mulberry32(options.seed ?? 1);
  const side = Math.sqrt(Math.max(count, 1)) * k;
  const position = new Float64Array(count * 2);
  for (let i = 0; i < count * 2; i++) position[i] = (random() - 0.5) * side;
  const displacement = new Float64Array(count * 2);
  const cell = 2 * k;
  // Four times FR's k²: with repulsion cut off at 2k, the plain constant leaves the graph denser than k apart.
  const k2 = 4 * k * k;
  const gravity = 0.01;
  let temperature = side / 8;
  const cooling = temperature / (iterations + 1);
  const cellOf = new Int32Array(count);
  const members = new Int32Array(count);
  let cellStart = new Int32Array(0);

  /** Pushes node i and the nodes members[from..to) apart. */
  const repelFrom = (i: number, from: number, to: number) => {
    const x = position[2 * i];
    const y = position[2 * i + 1];
    for (let m = from; m < to; m++) {
      const j = members[m];
      let ex = x - position[2 * j];
      let ey = y - position[2 * j + 1];
      let d2 = ex * ex + ey * ey;
      if (d2 > cell * cell) continue;
      if (d2 < 1e-4) {
        ex = random() - 0.5;
        ey = random() - 0.5;
        d2 = ex * ex + ey * ey;
      }
      const force = k2 / d2;
      displacement[2 * i] += ex * force;
      displacement[2 * i + 1] += ey * force;
      displacement[2 * j] -= ex * force;
      displacement[2 * j + 1] -= ey * force;
    }
  };

  for (let iteration = 0; iteration < iterations; iteration++) {
    displacement.fill(0);
    // Bucket the nodes into square cells (a counting sort: cell c holds members[cellStart[c]..cellStart[c + 1]]).
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < count; i++) {
      minX = Math.min(minX, position[2 * i]);
      maxX = Math.max(maxX, position[2 * i]);
      minY = Math.min(minY, position[2 * i + 1]);
      maxY = Math.max(maxY, position[2 * i + 1]);
    }
    // Cells of at least 2k; larger when a few far nodes would otherwise make a huge, empty grid.
    const size = Math.max(cell, Math.sqrt(((maxX - minX + 1) * (maxY - minY + 1)) / (4 * count + 16)));
    const columns = Math.floor((maxX - minX) / size) + 1;
    const rows = Math.floor((maxY - minY) / size) + 1;
    if (cellStart.length < columns * rows + 1) cellStart = new Int32Array(columns * rows + 1);
    else cellStart.fill(0, 0, columns * rows + 1);
    for (let i = 0; i < count; i++) {
      cellOf[i] = Math.floor((position[2 * i + 1] - minY) / size) * columns + Math.floor((position[2 * i] - minX) / size);
      cellStart[cellOf[i] + 1]++;
    }
    for (let c = 0; c < columns * rows; c++) cellStart[c + 1] += cellStart[c];
    const fill = cellStart.slice(0, columns * rows);
    for (let i = 0; i < count; i++) members[fill[cellOf[i]]++] = i;
    // Repulsion between nodes less than 2k apart, each pair once: a cell with itself and with four of its neighbours
    // (right, and the three below), so every pair of neighbouring cells is visited from one side only.
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const here = row * columns + column;
        for (let m = cellStart[here]; m < cellStart[here + 1]; m++) {
          const i = members[m];
          repelFrom(i, m + 1, cellStart[here + 1]);
          if (column + 1 < columns) repelFrom(i, cellStart[here + 1], cellStart[here + 2]);
          if (row + 1 < rows) {
            const below = here + columns;
            repelFrom(i, cellStart[Math.max(below - 1, row * columns + columns)], cellStart[Math.min(below + 2, below - column + columns)]);
          }
        }
      }
    }
    // Attraction along edges, logarithmic in the distance ("LinLog"): FR's d²/k lets a few long links squeeze the
    // whole graph into a dense ball, where the grid cells fill up and every iteration slows down.
    for (const [a, b] of edges) {
      if (a === b) continue;
      const ex = position[2 * a] - position[2 * b];
      const ey = position[2 * a + 1] - position[2 * b + 1];
      const d = Math.sqrt(ex * ex + ey * ey) || 1e-2;
      const force = (k * Math.log1p(d / k)) / d;
      displacement[2 * a] -= ex * force;
      displacement[2 * a + 1] -= ey * force;
      displacement[2 * b] += ex * force;
      displacement[2 * b + 1] += ey * force;
    }
    // A weak pull to the centre keeps separate components from drifting apart; moves are capped by the temperature.
    for (let i = 0; i < count; i++) {
      const dx = displacement[2 * i] - gravity * position[2 * i];
      const dy = displacement[2 * i + 1] - gravity * position[2 * i + 1];
      const length = Math.sqrt(dx * dx + dy * dy);
      if (length === 0) continue;
      const step = Math.min(length, temperature) / length;
      position[2 * i] += dx * step;
      position[2 * i + 1] += dy * step;
    }
    temperature -= cooling;
  }
  return position;
}

function defaultIterations(count: number): number {
  return count <= 500 ? 300 : count <= 2000 ? 150 : 100;
}

/** A small seeded generator (mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
