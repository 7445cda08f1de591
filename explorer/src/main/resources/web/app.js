// cnnkit explorer: plain JavaScript, no library. Every number shown comes from the JSON API (/api).
'use strict';

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
};
const fmt = v => (v === null || v === undefined) ? 'n/a'
  : (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)) ? v.toExponential(3) : (+v.toFixed(4)).toString();

const state = { models: [], run: null, values: new Map(), explain: null, runtime: null };

// ---- API ---------------------------------------------------------------------------------------
async function api(path, options = {}) {
  const r = await fetch('/api' + path, options);
  const type = r.headers.get('content-type') || '';
  const body = type.includes('json') ? await r.json() : null;
  if (!r.ok) {
    const e = new Error(body && body.error ? body.error : 'HTTP ' + r.status);
    e.hint = body && body.hint;
    e.status = r.status;
    throw e;
  }
  return body;
}

function message(text, kind = 'info') {
  const m = $('#message');
  m.className = kind;
  m.textContent = text;
  m.hidden = !text;
}
async function guarded(what, f) {
  try {
    message('');
    return await f();
  } catch (e) {
    message(what + ': ' + e.message + (e.hint ? ' (hint: ' + e.hint + ')' : ''), 'error');
    return undefined;
  }
}

// ---- tabs --------------------------------------------------------------------------------------
function showTab() {
  const tab = (location.hash || '#models').slice(1);
  $('#hover-value').hidden = true; // a value tip left from a map must not follow to another page
  document.querySelectorAll('.tab').forEach(s => { s.hidden = s.id !== 'tab-' + tab; });
  document.querySelectorAll('#tabs a').forEach(a => a.classList.toggle('active', a.dataset.tab === tab));
  if (tab === 'graph') drawGraph();
}
window.addEventListener('hashchange', showTab);

// ---- Models ------------------------------------------------------------------------------------
async function refreshModels() {
  const data = await api('/models');
  state.models = data.models;
  const body = $('#model-list tbody');
  body.replaceChildren();
  for (const m of data.models) {
    const status = m.available ? el('td', { class: 'available', text: 'ready' })
      : el('td', { class: 'unavailable', text: 'unavailable: ' + m.reason });
    body.append(el('tr', { 'data-model': m.name },
      el('td', { text: m.name }), el('td', { text: m.input }), el('td', { text: m.layers }), status,
      el('td', { text: m.origin }),
      el('td', {}, el('button', { text: 'Graph', onclick: () => { selectModel(m.name); location.hash = '#graph'; } }),
        el('button', { text: 'Run', onclick: () => { selectModel(m.name); location.hash = '#run'; } }),
        el('label', { class: 'button', title: 'a text file: one class label per line, in class order' }, 'Labels…',
          el('input', { type: 'file', accept: '.txt,.json', onchange: e => guarded('labels', async () => {
            const f = e.target.files[0];
            if (!f) return;
            const r = await api('/models/' + encodeURIComponent(m.name) + '/labels?name=' + encodeURIComponent(f.name), { method: 'POST', body: f });
            message(r.labels + ' labels for ' + m.name + '; the next run shows them');
          }) })),
        el('button', { text: 'Remove', onclick: () => guarded('remove', async () => {
          await api('/models/' + encodeURIComponent(m.name), { method: 'DELETE' });
          await refreshModels();
        }) }))));
  }
  const folder = $('#folder');
  folder.hidden = !data.folder;
  if (data.folder) {
    const list = $('#folder-list');
    list.replaceChildren(...data.folder.map(f => el('li', {}, el('button', { text: 'Load ' + f,
      onclick: () => guarded('load ' + f, async () => {
        await api('/models?folder=' + encodeURIComponent(f), { method: 'POST' });
        await refreshModels();
      }) }))));
    if (!data.folder.length) list.append(el('li', { text: 'no .h5 or .json files in the folder' }));
  }
  for (const sel of document.querySelectorAll('.model-select')) {
    const keep = sel.value;
    sel.replaceChildren(...data.models.map(m => el('option', { value: m.name, text: m.name + (m.available ? '' : ' (unavailable)') })));
    if (data.models.some(m => m.name === keep)) sel.value = keep;
  }
  renderRuntimeModels();
}
function selectModel(name) {
  document.querySelectorAll('.model-select').forEach(s => { s.value = name; });
}
async function added(m) {
  await refreshModels();
  selectModel(m.name);
  message('loaded model ' + m.name + (m.available ? '' : ' (unavailable: ' + m.reason + ')'));
}
$('#model-file').addEventListener('change', e => guarded('upload', async () => {
  const f = e.target.files[0];
  if (!f) return;
  const m = await api('/models?name=' + encodeURIComponent(f.name), { method: 'POST', body: f });
  e.target.value = '';
  await added(m);
}));
$('#load-seed').addEventListener('click', () => guarded('seed model', async () => added(await api('/models/seed', { method: 'POST' }))));
$('#load-description').addEventListener('click', () => guarded('description', async () =>
  added(await api('/models/description', { method: 'POST', body: $('#description').value }))));

// ---- Graph -------------------------------------------------------------------------------------
const graph = { data: null, view: { x: 0, y: 0, w: 800, h: 600 }, width: 0, height: 0 };
$('#graph-model').addEventListener('change', () => drawGraph());
async function drawGraph() {
  const name = $('#graph-model').value;
  const svg = $('#graph-svg');
  if (!name) { svg.replaceChildren(); return; }
  const data = await guarded('graph', () => api('/models/' + encodeURIComponent(name) + '/graph'));
  if (!data) return;
  graph.data = data;
  // Layers by longest path from the input; nodes come in topological order.
  const depth = new Map();
  const inputs = new Map(data.nodes.map(n => [n.name, []]));
  for (const [from, to] of data.edges) if (inputs.has(to)) inputs.get(to).push(from);
  const rows = [];
  for (const n of data.nodes) {
    const d = Math.max(-1, ...inputs.get(n.name).map(i => depth.get(i) ?? -1)) + 1;
    depth.set(n.name, d);
    (rows[d] = rows[d] || []).push(n);
  }
  const W = 210, H = 40, GX = 30, GY = 26;
  const pos = new Map();
  let maxCols = 1;
  rows.forEach((row, d) => {
    maxCols = Math.max(maxCols, row.length);
    row.forEach((n, i) => pos.set(n.name, { x: 20 + i * (W + GX), y: 20 + d * (H + GY) }));
  });
  graph.width = 40 + maxCols * (W + GX);
  graph.height = 40 + rows.length * (H + GY);
  const ns = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs) => { const e = document.createElementNS(ns, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); return e; };
  svg.replaceChildren();
  const g = s('g', { id: 'graph-content' });
  for (const [from, to] of data.edges) {
    const a = pos.get(from), b = pos.get(to);
    if (!a || !b) continue;
    const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y;
    const skip = depth.get(to) - depth.get(from) > 1;
    const bend = skip ? W * 0.75 : 0; // skip connections bow out to the side
    g.append(s('path', { class: 'edge' + (skip ? ' skip' : ''), d: `M${x1},${y1} C${x1 + bend},${y1 + GY} ${x2 + bend},${y2 - GY} ${x2},${y2}`,
      'stroke-dasharray': skip ? '5,3' : 'none', 'marker-end': 'url(#arrow)' }));
  }
  for (const n of data.nodes) {
    const p = pos.get(n.name);
    const node = s('g', { class: 'node', 'data-name': n.name, transform: `translate(${p.x},${p.y})` });
    node.append(s('rect', { width: W, height: H }));
    const t1 = s('text', { x: 6, y: 15 }); t1.textContent = n.name.length > 28 ? n.name.slice(0, 27) + '…' : n.name;
    const t2 = s('text', { x: 6, y: 31, fill: '#456' }); t2.textContent = n.type + ' ' + n.shape.replace('None, ', '');
    node.append(t1, t2);
    node.addEventListener('click', ev => { ev.stopPropagation(); openNode(n); });
    g.append(node);
  }
  const defs = s('defs', {});
  const marker = s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto' });
  marker.append(s('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#789' }));
  defs.append(marker);
  svg.append(defs, g);
  fitGraph();
}
function setView() {
  const v = graph.view;
  $('#graph-svg').setAttribute('viewBox', `${v.x} ${v.y} ${v.w} ${v.h}`);
}
function fitGraph() {
  const svg = $('#graph-svg');
  const aspect = (svg.clientHeight || 600) / (svg.clientWidth || 800);
  // Wide enough for every column; a long chain then starts at its top and pans down.
  const w = Math.max(graph.width, 560) * 1.4;
  graph.view = { x: 0, y: 0, w, h: w * aspect };
  setView();
}
function zoom(factor, cx, cy) {
  const v = graph.view;
  cx = cx ?? v.x + v.w / 2; cy = cy ?? v.y + v.h / 2;
  const w = Math.min(Math.max(v.w * factor, 100), 50000);
  const f = w / v.w;
  graph.view = { x: cx - (cx - v.x) * f, y: cy - (cy - v.y) * f, w, h: v.h * f };
  setView();
}
(() => {
  const svg = $('#graph-svg');
  let drag = null;
  svg.addEventListener('wheel', e => {
    e.preventDefault();
    const r = svg.getBoundingClientRect(), v = graph.view;
    zoom(e.deltaY > 0 ? 1.15 : 1 / 1.15, v.x + (e.clientX - r.left) / r.width * v.w, v.y + (e.clientY - r.top) / r.height * v.h);
  }, { passive: false });
  svg.addEventListener('pointerdown', e => { drag = { x: e.clientX, y: e.clientY, v: { ...graph.view } }; });
  window.addEventListener('pointermove', e => {
    if (!drag) return;
    const r = svg.getBoundingClientRect();
    graph.view = { ...drag.v, x: drag.v.x - (e.clientX - drag.x) / r.width * drag.v.w, y: drag.v.y - (e.clientY - drag.y) / r.height * drag.v.h };
    setView();
  });
  window.addEventListener('pointerup', () => { drag = null; });
  $('#graph-fit').addEventListener('click', fitGraph);
  $('#graph-zoom-in').addEventListener('click', () => zoom(1 / 1.4));
  $('#graph-zoom-out').addEventListener('click', () => zoom(1.4));
})();
function openNode(n) {
  document.querySelectorAll('#graph-svg .node').forEach(g => g.classList.toggle('selected', g.dataset.name === n.name));
  const panel = $('#node-panel');
  panel.hidden = false;
  const ins = graph.data.edges.filter(e => e[1] === n.name).map(e => e[0]);
  const outs = graph.data.edges.filter(e => e[0] === n.name).map(e => e[1]);
  const settings = Object.entries(n.settings).map(([k, v]) => el('tr', {}, el('td', { text: k }), el('td', { text: v })));
  panel.replaceChildren(el('h3', { text: n.name }),
    el('p', { text: 'type ' + n.type }), el('p', { text: 'output ' + n.shape }),
    el('p', { text: n.params.toLocaleString('en') + ' parameters' }),
    el('p', { text: 'reads: ' + (ins.join(', ') || 'nothing (the input)') }),
    el('p', { text: 'read by: ' + (outs.join(', ') || 'nothing (an output)') }),
    el('table', { class: 'list' }, ...settings),
    el('button', { text: 'Show its output on the Run page', onclick: () => {
      selectModel(graph.data.name); location.hash = '#run';
      const target = document.querySelector(`.node-out[data-name="${CSS.escape(n.name)}"]`);
      if (target) target.scrollIntoView();
    } }));
}

// ---- Run ---------------------------------------------------------------------------------------
function runQuery() {
  const q = new URLSearchParams();
  if ($('#opt-resize').checked) q.set('resize', 'model');
  if ($('#opt-grey').checked) q.set('grey', 'true');
  if ($('#opt-bgr').checked) q.set('bgr', 'true');
  if ($('#opt-rescale').value.trim()) q.set('rescale', $('#opt-rescale').value.trim());
  return q;
}
async function runWith(fileOrNull) {
  const model = $('#run-model').value;
  if (!model) { message('load a model first (Models page)', 'error'); return; }
  const q = runQuery();
  let options = { method: 'POST' };
  if (fileOrNull) { q.set('name', fileOrNull.name); options.body = fileOrNull; } else q.set('sample', 'astronaut');
  message('running ' + model + '...');
  const run = await guarded('run', () => api('/models/' + encodeURIComponent(model) + '/runs?' + q, options));
  if (run) { message(''); showRun(run); }
}
$('#image-file').addEventListener('change', e => { const f = e.target.files[0]; if (f) runWith(f); e.target.value = ''; });
$('#run-sample').addEventListener('click', () => runWith(null));
(() => {
  const drop = $('#drop');
  drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', e => { e.preventDefault(); drop.classList.remove('over'); const f = e.dataTransfer.files[0]; if (f) runWith(f); });
})();

const MAX_TILES = 64;
function legend(min, max) {
  return el('div', { class: 'legend' }, el('div', { class: 'bar' }),
    el('div', { class: 'ends' }, el('span', { text: fmt(min) }), el('span', { text: fmt(max) })),
    el('div', { class: 'note', text: 'viridis, one scale for all of this node\'s maps' }));
}
function histogram(h) {
  const c = el('canvas', { class: 'hist', width: 200, height: 60, title: 'histogram of all values, ' + fmt(h.min) + ' .. ' + fmt(h.max) });
  const ctx = c.getContext('2d');
  const max = Math.max(1, ...h.counts);
  const bw = 200 / h.counts.length;
  ctx.fillStyle = '#31688e';
  h.counts.forEach((n, i) => { const bh = n === 0 ? 0 : Math.max(1, 58 * n / max); ctx.fillRect(i * bw, 60 - bh, bw - 1, bh); });
  return c;
}
function showRun(run) {
  state.run = run;
  state.values.clear();
  const top = $('#top');
  top.replaceChildren();
  for (const t of run.top) {
    top.append(el('div', { class: 'top' }, el('h3', { text: 'Top classes of ' + t.output + (t.probabilities ? ' (probabilities)' : ' (scores)') }),
      el('table', {}, ...t.classes.map(c => el('tr', {}, el('td', { text: c.rank + '.' }), el('td', { text: c.label }), el('td', { text: fmt(c.value) }))))));
  }
  const nodes = $('#run-nodes');
  nodes.replaceChildren(el('p', { text: `Run ${run.id} of ${run.model} on ${run.image} (input ${run.input}): ${run.nodes.length} nodes. `
    + 'Point at a map for its value, click it to enlarge.' }));
  for (const n of run.nodes) nodes.append(nodeSection(run, n));
}
function nodeSection(run, n) {
  const s = n.stats;
  const stats = el('div', { class: 'stats' },
    el('div', { text: `min ${fmt(s.min)}  max ${fmt(s.max)}` }), el('div', { text: `mean ${fmt(s.mean)}  std ${fmt(s.std)}` }),
    el('div', { text: `zeros ${(100 * s.zeroFraction).toFixed(1)}%` }), histogram(n.histogram));
  const maps = el('div', { class: 'maps' });
  const addTiles = (from, to) => {
    for (let c = from; c < to; c++) {
      const img = el('img', { class: 'map' + (n.kind === 'vector' ? ' vector' : ''), src: n.maps + c + '.png', alt: n.name + ' channel ' + c,
        'data-node': n.index, 'data-channel': c, loading: 'lazy' });
      if (n.kind === 'maps') {
        img.addEventListener('click', () => enlarge(n, c));
        img.addEventListener('mousemove', e => hover(e, n, c));
        img.addEventListener('mouseleave', () => { $('#hover-value').hidden = true; });
      }
      maps.append(el('figure', {}, img, el('figcaption', { text: n.kind === 'maps' ? 'ch ' + c : n.width + ' values' })));
    }
  };
  addTiles(0, Math.min(n.channels, MAX_TILES));
  if (n.channels > MAX_TILES) {
    const more = el('button', { text: `show all ${n.channels} channels`, onclick: () => { more.remove(); addTiles(MAX_TILES, n.channels); } });
    maps.append(more);
  }
  return el('section', { class: 'node-out', 'data-name': n.name, 'data-index': n.index },
    el('h3', { text: `${n.index}. ${n.name}  (${n.type})  ${n.shape}` + (n.inputs.length ? '  ← ' + n.inputs.join(', ') : '') }),
    el('div', { class: 'node-body' }, maps, el('div', {}, legend(s.min, s.max), stats)));
}
async function values(n, c) {
  const key = n.index + '/' + c;
  if (!state.values.has(key)) {
    state.values.set(key, api(`/runs/${state.run.id}/nodes/${n.index}/values?channel=${c}`));
  }
  return state.values.get(key);
}
function cellAt(e, img, n) {
  const r = img.getBoundingClientRect();
  const x = Math.min(n.width - 1, Math.max(0, Math.floor((e.clientX - r.left) / r.width * n.width)));
  const y = Math.min(n.height - 1, Math.max(0, Math.floor((e.clientY - r.top) / r.height * n.height)));
  return { x, y };
}
async function hover(e, n, c) {
  const { x, y } = cellAt(e, e.target, n);
  const tip = $('#hover-value');
  tip.style.left = (e.clientX + 14) + 'px';
  tip.style.top = (e.clientY + 10) + 'px';
  const v = await values(n, c).catch(() => null);
  if (!v) return;
  tip.textContent = `${n.name} ch ${c} (y ${y}, x ${x}) = ${fmt(v.values[y * v.width + x])}`;
  tip.hidden = false;
}
function enlarge(n, c) {
  const box = $('#enlarged');
  const img = $('#enlarged-img');
  img.src = n.maps + c + '.png';
  const scale = Math.max(1, Math.floor(Math.min(560 / n.width, 560 / n.height)));
  img.style.width = (n.width * scale) + 'px';
  img.style.height = (n.height * scale) + 'px';
  img.onmousemove = e => hover(e, n, c);
  img.onmouseleave = () => { $('#hover-value').hidden = true; };
  img.onclick = e => { const { x, y } = cellAt(e, img, n); explain(n, x, y, c); };
  $('#enlarged-title').textContent = `${n.name} (${n.type}), channel ${c}: ${n.height}x${n.width}`;
  $('#enlarged-legend').replaceChildren(legend(n.stats.min, n.stats.max));
  box.hidden = false;
}
$('#enlarged-close').addEventListener('click', () => { $('#enlarged').hidden = true; });
$('#enlarged').addEventListener('click', e => { if (e.target.id === 'enlarged') $('#enlarged').hidden = true; });

// ---- Convolution explained ---------------------------------------------------------------------
async function explain(n, x, y, c) {
  const q = new URLSearchParams({ node: n.index, y, x, channel: c });
  const ex = await guarded('explain', () => api(`/runs/${state.run.id}/explain?${q}`));
  if (!ex) return;
  $('#enlarged').hidden = true;
  $('#hover-value').hidden = true;
  state.explain = ex;
  renderExplain(ex);
  location.hash = '#explain';
}
function cellTable(rows, colour) {
  // rows: [ky][kx] of numbers (or null for padding); colour: value -> css colour
  return el('table', { class: 'cells' }, ...rows.map(r => el('tr', {}, ...r.map(v => v === null
    ? el('td', { class: 'pad', text: 'pad', title: 'outside the input (padding)' })
    : el('td', { text: fmt(v), style: 'background:' + colour(v) })))));
}
function diverging(maxAbs) {
  return v => {
    const t = maxAbs === 0 ? 0 : Math.max(-1, Math.min(1, v / maxAbs));
    return t >= 0 ? `rgba(214,96,77,${(0.85 * t).toFixed(3)})` : `rgba(67,147,195,${(-0.85 * t).toFixed(3)})`;
  };
}
function grey(min, max) {
  return v => { const t = max > min ? (v - min) / (max - min) : 0.5; const g = Math.round(255 - 120 * t); return `rgb(${g},${g},${g})`; };
}
function renderExplain(ex) {
  const out = $('#explain');
  $('#explain-intro').hidden = true;
  const head = el('p', {}, `Node ${ex.node} (${ex.type}), channel ${ex.channel}, cell y=${ex.y}, x=${ex.x}: output value `,
    el('strong', { id: 'explain-output', 'data-value': ex.output, text: fmt(ex.output) }), `. It reads ${ex.input}.`);
  if (ex.kind === 'conv2d') {
    const flat = a => a.flat(2).filter(v => v !== null);
    const win = flat(ex.window), ker = flat(ex.kernel);
    const kAbs = Math.max(...ker.map(Math.abs)), pAbs = Math.max(...flat(ex.products).map(Math.abs));
    const perChannel = (arr, ci) => arr.map(r => r.map(cell => cell[ci]));
    const blocks = ex.inputChannels.map((ic, ci) => el('div', {},
      el('h4', { text: `input channel ${ic}` }),
      el('div', { class: 'explain-grid' },
        el('div', {}, el('div', { class: 'note', text: 'input window' }), cellTable(perChannel(ex.window, ci), grey(Math.min(...win), Math.max(...win)))),
        el('div', {}, el('div', { class: 'note', text: '× kernel' }), cellTable(perChannel(ex.kernel, ci), diverging(kAbs))),
        el('div', {}, el('div', { class: 'note', text: '= products' }), cellTable(perChannel(ex.products, ci), diverging(pAbs))))));
    const matches = Math.abs(ex.preActivation - ex.output) <= 1e-3 * Math.max(1, Math.abs(ex.output));
    const sum = el('div', { class: 'sum' },
      el('div', {}, 'sum of all ', String(ex.products.flat(2).length), ' products = ',
        el('span', { id: 'explain-sum', 'data-value': ex.weightedSum, text: fmt(ex.weightedSum) })),
      el('div', {}, '+ bias ', fmt(ex.bias), ' = ', el('strong', { id: 'explain-pre', 'data-value': ex.preActivation, text: fmt(ex.preActivation) })),
      el('div', { text: ex.activation === 'linear'
        ? (matches ? `= the value shown (${fmt(ex.output)}).` : `the node shows ${fmt(ex.output)}.`)
        : `then ${ex.activation}(${fmt(ex.preActivation)}) = ${fmt(ex.output)}, the value shown.` }));
    out.replaceChildren(head,
      el('p', { text: `A ${ex.kernelSize.join('x')} kernel (strides ${ex.strides.join('x')}, dilation ${ex.dilation.join('x')}, padding ${ex.padding}) `
        + `slides over the input; at this cell its window starts at row ${ex.windowTop}, column ${ex.windowLeft}`
        + (ex.paddedCells ? ` and ${ex.paddedCells} of its positions fall in the padding (zeros).` : '.')
        + ' Each input number is multiplied by the kernel number at the same place, over every input channel; the products are added up, then the bias.' }),
      ...blocks, sum);
  } else if (ex.kind === 'pool') {
    const vals = ex.window.flat().filter(v => v !== null);
    out.replaceChildren(head,
      el('p', { text: `A ${ex.poolSize.join('x')} window (strides ${ex.strides.join('x')}) at row ${ex.windowTop}, column ${ex.windowLeft} of ${ex.input}; `
        + `the node takes its ${ex.function}.` }),
      cellTable(ex.window, grey(Math.min(...vals), Math.max(...vals))),
      el('div', { class: 'sum' }, `${ex.function} of the window = `, el('span', { id: 'explain-sum', 'data-value': ex.result, text: fmt(ex.result) })));
  } else {
    out.replaceChildren(head,
      el('p', { text: `An activation works on each number alone: before ${fmt(ex.before)} (from ${ex.input}), after ${ex.function}: ${fmt(ex.output)}.` }),
      el('div', { class: 'sum' }, `${ex.function}(`, el('span', { id: 'explain-sum', 'data-value': ex.before, text: fmt(ex.before) }), `) = ${fmt(ex.output)}`));
  }
}

// ---- Walkthrough -------------------------------------------------------------------------------
const WALK = [
  ['A photo is a grid of numbers.', 'Each pixel holds three numbers 0..255 (red, green, blue). Load the seed model and run the bundled photo: the first node, "input", shows its three channels.',
    async () => { await added(await api('/models/seed', { method: 'POST' })); selectModel('walkthrough'); location.hash = '#run'; await runWith(null); }],
  ['Three classic kernels.', 'Before any learning, a convolution is a fixed kernel: the demo sharpens the photo with a 3x3 and a 5x5 kernel and finds its edges with the Laplacian. Each is a conv2d with one filter per colour channel; here are its numbers and its output on the photo (red, green, blue maps).',
    async out => {
      for (const k of (await api('/models')).kernels) {
        const m = await api('/models/kernel?kernel=' + encodeURIComponent(k), { method: 'POST' });
        const run = await api('/models/' + encodeURIComponent(m.name) + '/runs?sample=astronaut', { method: 'POST' });
        const node = run.nodes[run.nodes.length - 1];
        out.append(el('figure', { class: 'walk-kernel', 'data-kernel': k },
          el('figcaption', { text: `${k} (${m.kernel.length}x${m.kernel[0].length}), model ${m.name}` }),
          el('table', { class: 'cells kernel' }, ...m.kernel.map(row => el('tr', {}, ...row.map(v => el('td', { text: fmt(v) }))))),
          ...[0, 1, 2].map(c => el('img', { src: node.maps + c + '.png', alt: `${k} on the photo, channel ${c}`, width: 150 }))));
      }
      await refreshModels();
    }],
  ['A convolution slides a small kernel over it.', 'conv_1 has 3 filters of 3x3x3 weights. Each output number is a weighted sum of a 3x3 window over the three input channels plus a bias. Open conv_1\'s first map and click any cell to see the sum worked out.',
    async () => { if (!state.run) await runWith(null); const n = state.run.nodes.find(x => x.type === 'conv2d'); await explain(n, 10, 10, 0); }],
  ['Pooling keeps the strongest answer.', 'pool_1 takes the maximum of each 3x3 window, so the maps get three times smaller and keep the strongest responses.',
    async () => { if (!state.run) await runWith(null); const n = state.run.nodes.find(x => x.type === 'max_pooling2d'); await explain(n, 5, 5, 0); }],
  ['relu drops the negatives.', 'act_1 keeps positive numbers and turns negative ones into 0: see the "zeros" share of the node grow.',
    async () => { if (!state.run) await runWith(null); const n = state.run.nodes.find(x => x.type === 'activation'); await explain(n, 5, 5, 0); }],
  ['Deeper layers see more.', 'conv_2 .. conv_4 repeat the pattern on smaller maps; each number now depends on a larger patch of the photo. flatten lines them up and dens_1 gives 8 scores. As the demo (./cnnkit demo) does, this step saves the seed model\'s weights once, rebuilds the model truncated after 1, 2, ... 12 layers and loads the weights into each by layer name: every truncated model ends where the full one has the same numbers.',
    async out => {
      const count = (await api('/models/seed', { method: 'POST' })).layers; // the full seed: how many layers to cut at
      const table = el('table', { class: 'list walk-truncated' }, el('tr', {}, ...['Model', 'Last layer', 'Weights loaded by name', 'Output', 'First map'].map(t => el('th', { text: t }))));
      out.append(table);
      for (let n = 1; n <= count; n++) {
        const m = await api('/models/seed?layers=' + n, { method: 'POST' });
        const run = await api('/models/' + encodeURIComponent(m.name) + '/runs?sample=astronaut', { method: 'POST' });
        const node = run.nodes[run.nodes.length - 1];
        table.append(el('tr', { 'data-model': m.name }, el('td', { text: m.name }), el('td', { text: `${node.name} (${node.type})` }),
          el('td', { text: m.loaded }), el('td', { text: node.shape }),
          el('td', {}, node.kind === 'maps' ? el('img', { src: node.maps + '0.png', alt: node.name + ' map 0', width: 80 }) : `${fmt(node.stats.min)} .. ${fmt(node.stats.max)}`)));
      }
      await refreshModels();
    }],
  ['sigmoid and tanh instead of relu.', 'The same model with sigmoid or tanh squashes values into 0..1 or -1..1 instead of cutting negatives.',
    async () => { const m = await api('/models/seed?activation=tanh', { method: 'POST' }); await added(m); selectModel(m.name); location.hash = '#run'; await runWith(null); }],
  ['Kernel size.', 'A larger kernel reads a larger window: build "conv2d(3, 5, name=conv_5x5)" on the Models page and compare its maps with conv_1\'s 3x3.',
    async () => { const m = await api('/models/description', { method: 'POST', body: 'conv2d(3, 5, name=conv_5x5)' }); await added(m); selectModel(m.name); location.hash = '#run'; await runWith(null); }],
];
(() => {
  const list = $('#walk-steps');
  WALK.forEach(([title, text, action]) => {
    const out = el('div', { class: 'walk-out' }); // what a step builds on this page (kernels, truncated models)
    list.append(el('li', {}, el('strong', { text: title }), ' ', text, ' ',
      el('button', { text: 'Show me', onclick: () => { out.replaceChildren(); return guarded(title, () => action(out)); } }), out));
  });
})();

// ---- Runtime (live) ----------------------------------------------------------------------------
function renderRuntime(rt) {
  state.runtime = rt;
  const bundles = $('#rt-bundles tbody');
  bundles.replaceChildren(...rt.bundles.map(b => el('tr', { 'data-bundle': b.name },
    el('td', { text: b.id }), el('td', { text: b.name }), el('td', { text: b.version }), el('td', { class: 'state', text: b.state }),
    el('td', {}, b.switchable ? el('button', { text: b.state === 'active' ? 'Stop' : 'Start',
      onclick: () => guarded('bundle ' + b.name, () => api(`/runtime/bundles/${encodeURIComponent(b.name)}/${b.state === 'active' ? 'stop' : 'start'}`, { method: 'POST' })) }) : ''))));
  const types = $('#rt-types tbody');
  types.replaceChildren(...rt.layerTypes.map(t => el('tr', {}, el('td', { text: 'layer' }), el('td', { text: t.name }), el('td', { text: t.provider }))),
    ...rt.activations.map(t => el('tr', {}, el('td', { text: 'activation' }), el('td', { text: t.name }), el('td', { text: t.provider }))));
  // models: the session's, with their availability now
  const byName = new Map(rt.models.map(m => [m.name, m]));
  state.models = state.models.map(m => byName.get(m.name) || m);
  for (const row of document.querySelectorAll('#model-list tbody tr')) {
    const m = byName.get(row.dataset.model);
    if (!m) continue;
    const cell = row.children[3];
    cell.className = m.available ? 'available' : 'unavailable';
    cell.textContent = m.available ? 'ready' : 'unavailable: ' + m.reason;
  }
  renderRuntimeModels();
}
function renderRuntimeModels() {
  $('#rt-models tbody').replaceChildren(...state.models.map(m => el('tr', { 'data-model': m.name }, el('td', { text: m.name }),
    el('td', { class: m.available ? 'available' : 'unavailable', text: m.available ? 'ready' : 'unavailable: ' + m.reason }))));
}
function listen() {
  const es = new EventSource('/api/runtime/events');
  es.addEventListener('runtime', e => { $('#rt-live').textContent = 'live: updated ' + new Date().toLocaleTimeString(); renderRuntime(JSON.parse(e.data)); });
  es.onerror = () => { $('#rt-live').textContent = 'live updates interrupted; reconnecting...'; };
}

// ---- start -------------------------------------------------------------------------------------
guarded('models', refreshModels).then(() => { showTab(); listen(); });
