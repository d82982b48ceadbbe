// The page of ./agecnn serve: sends a photo (file, drop, paste, webcam) or a URL to POST /api/predict,
// then draws each face's box with its bin and expected age, and the bin probabilities per face.
// No library, no build step: served from the jar as it is.
'use strict';

const $ = (id) => document.getElementById(id);
let bins = [];          // the model's bins, in order (GET /api/model)
let limits = {};        // the server's limits (GET /api/model)
let shownUrl = null;    // an object URL to free when the next photo comes
let stream = null;      // the webcam, while open

const WHAT = {
  400: 'Not usable',
  403: 'Refused',
  404: 'Not found',
  405: 'Not allowed',
  413: 'Too large',
  415: 'Wrong type',
  422: 'Bad URL',
  500: 'The server failed',
  502: "The URL's server failed",
  503: 'Busy',
};

function pct(x) {
  return x == null ? '?' : (100 * x).toFixed(1) + '%';
}

async function loadModel() {
  try {
    const r = await fetch('api/model');
    const m = await r.json();
    bins = m.bins || [];
    limits = m.limits || {};
    const t = m.test || {};
    const scores = t.accuracy == null ? 'no test scores recorded'
      : `on its test set: ${pct(t.accuracy)} right, ${pct(t.one_off)} within one bin, ` +
        `${t.mae_years == null ? '?' : t.mae_years.toFixed(1)} years off on average`;
    $('model').textContent = `Model ${m.name} (${m.backbone}, ${m.input_size} px), ${scores}. Faces found by: ${m.detector}.`;
  } catch (e) {
    $('model').textContent = 'The server does not answer (' + e.message + ').';
  }
}

function say(text, kind) {
  const m = $('message');
  m.textContent = text;
  m.className = kind || '';
}

function busy(on) {
  document.body.classList.toggle('busy', on);
  for (const b of document.querySelectorAll('button, input')) {
    if (!b.classList.contains('unavailable')) b.disabled = on;
  }
}

/** Sends one request to the API; shows the answer, or the error with what it means. */
async function predict(body, headers, src, name) {
  busy(true);
  say('Looking at ' + name + ' ...', 'info');
  const query = '?top=12&detect=' + $('detect').checked;
  try {
    let r;
    try {
      r = await fetch('api/predict' + query, { method: 'POST', body, headers });
    } catch (e) {
      say('The server cannot be reached (' + e.message + ').', 'error');
      return;
    }
    let data;
    try {
      data = await r.json();
    } catch (e) {
      say(`HTTP ${r.status}: the server's answer is not JSON.`, 'error');
      return;
    }
    if (!r.ok) {
      const retry = r.headers.get('Retry-After');
      say(`${WHAT[r.status] || 'Error'} (HTTP ${r.status}): ${data.error}` +
        (retry ? ` Try again in ${retry} s.` : ''), 'error');
      $('result').hidden = true;
      return;
    }
    show(data, src);
  } finally {
    busy(false);
  }
}

function sendFile(file) {
  if (!file) return;
  if (limits.max_bytes && file.size > limits.max_bytes) {
    say(`Too large: ${file.name || 'the photo'} is ${(file.size / 1048576).toFixed(1)} MB, over the server's limit of ` +
      `${(limits.max_bytes / 1048576).toFixed(1)} MB.`, 'error');
    $('result').hidden = true;
    return;
  }
  const form = new FormData();
  form.append('image', file, file.name || 'photo.jpg');
  if (shownUrl) URL.revokeObjectURL(shownUrl);
  shownUrl = URL.createObjectURL(file);
  predict(form, {}, shownUrl, file.name || 'the photo');
}

function sendUrl(url) {
  url = url.trim();
  if (!url) return;
  const body = JSON.stringify({ url, top: 12, detect: $('detect').checked });
  predict(body, { 'Content-Type': 'application/json' }, url, url);
}

/** The photo with a box and a label per face, and a bar chart of the bins per face. */
function show(data, src) {
  const photo = $('photo');
  const img = $('image');
  photo.style.aspectRatio = `${data.width} / ${data.height}`;
  photo.style.width = `min(100%, ${data.width}px)`;
  img.classList.remove('missing');
  img.onerror = () => img.classList.add('missing');   // a URL this browser cannot load: the boxes stay
  img.src = src;

  const boxes = $('boxes');
  const faces = $('faces');
  boxes.replaceChildren();
  faces.replaceChildren();
  data.faces.forEach((f, i) => {
    const b = f.box || f.crop;
    const best = f.top[0];
    const label = `${i + 1}: ${best.bin} · ${f.expected_age.toFixed(1)} y`;

    const box = document.createElement('div');
    box.className = 'face-box';
    box.style.left = (100 * b[0] / data.width) + '%';
    box.style.top = (100 * b[1] / data.height) + '%';
    box.style.width = (100 * b[2] / data.width) + '%';
    box.style.height = (100 * b[3] / data.height) + '%';
    const tag = document.createElement('span');
    // the label above the box, inside the photo: below it at the top edge, right-aligned near the right edge
    tag.className = 'face-label' + (b[1] < 0.08 * data.height ? ' below' : '') + (b[0] + b[2] / 2 > 0.6 * data.width ? ' right' : '');
    tag.textContent = label;
    box.append(tag);
    boxes.append(box);

    faces.append(chart(f, i));
  });
  const n = data.faces.length;
  say(n === 1 && data.detector === 'off' ? 'The whole photo taken as one face.'
    : `${n} ${n === 1 ? 'face' : 'faces'} found.`, 'info');
  $('result').hidden = false;
}

function chart(f, i) {
  const card = document.createElement('figure');
  card.className = 'face';
  const title = document.createElement('figcaption');
  title.textContent = `Face ${i + 1}: most likely ${f.top[0].bin} (${pct(f.top[0].probability)}), ` +
    `expected age ${f.expected_age.toFixed(1)} years`;
  card.append(title);
  const p = new Map(f.top.map((t) => [t.bin, t.probability]));
  const order = bins.length ? bins : f.top.map((t) => t.bin);
  const table = document.createElement('div');
  table.className = 'bars';
  for (const bin of order) {
    const v = p.get(bin) || 0;
    const row = document.createElement('div');
    row.className = 'bar-row' + (bin === f.top[0].bin ? ' best' : '');
    const name = document.createElement('span');
    name.className = 'bin';
    name.textContent = bin;
    const track = document.createElement('span');
    track.className = 'track';
    const bar = document.createElement('span');
    bar.className = 'bar';
    bar.style.width = (100 * v).toFixed(1) + '%';
    track.append(bar);
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = pct(v);
    row.append(name, track, value);
    table.append(row);
  }
  card.append(table);
  return card;
}

// ---------------------------------------------------------------- the ways in

$('file').addEventListener('change', (e) => { sendFile(e.target.files[0]); e.target.value = ''; });
$('capture').addEventListener('change', (e) => { sendFile(e.target.files[0]); e.target.value = ''; });
$('url-form').addEventListener('submit', (e) => { e.preventDefault(); sendUrl($('url').value); });

const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer.files[0];
  if (file) { sendFile(file); return; }
  const url = e.dataTransfer.getData('text/uri-list') || e.dataTransfer.getData('text/plain');
  if (url) { $('url').value = url; sendUrl(url); }
});
document.addEventListener('paste', (e) => {
  if (e.target === $('url')) return;   // typing into the field: the form sends it
  const file = [...e.clipboardData.files][0];
  if (file) { sendFile(file); return; }
  const text = e.clipboardData.getData('text/plain');
  if (/^https?:\/\//i.test(text.trim())) { $('url').value = text.trim(); sendUrl(text); }
});

// A phone's camera through the file chooser; a webcam where the browser allows it (https or localhost).
if (!matchMedia('(pointer: coarse)').matches) $('capture-button').hidden = true;
if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)) {
  $('camera').disabled = true;
  $('camera').title = 'this browser allows the webcam only on https or localhost pages';
  $('camera').classList.add('unavailable');
}
$('camera').addEventListener('click', async () => {
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false });
    $('video').srcObject = stream;
    $('webcam').hidden = false;
  } catch (e) {
    say('The webcam cannot be opened (' + e.message + ').', 'error');
  }
});
function cameraOff() {
  if (stream) stream.getTracks().forEach((t) => t.stop());
  stream = null;
  $('webcam').hidden = true;
}
$('camera-off').addEventListener('click', cameraOff);
$('snap').addEventListener('click', () => {
  const v = $('video');
  if (!v.videoWidth) { say('The webcam has not started yet.', 'error'); return; }
  const c = document.createElement('canvas');
  c.width = v.videoWidth;
  c.height = v.videoHeight;
  c.getContext('2d').drawImage(v, 0, 0);
  c.toBlob((blob) => sendFile(new File([blob], 'webcam.jpg', { type: 'image/jpeg' })), 'image/jpeg', 0.92);
});

loadModel();
