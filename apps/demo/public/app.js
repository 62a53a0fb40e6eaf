// The live room's page: the browser's own WebSocket talking to the demo server (src/room.ts).
// Text messages are JSON (see src/protocol.ts); binary messages are upload chunks that the server
// sends straight back, which this page compares byte for byte with what it sent.

/** Uploads go out in binary messages of this size. */
const CHUNK_SIZE = 64 * 1024;
/** Stop queueing chunks while the browser holds this much unsent. */
const HIGH_WATER_MARK = 1024 * 1024;
/** The largest upload the server accepts (it is kept twice in this page to compare). */
const MAX_UPLOAD_SIZE = 64 * 1024 * 1024;
/** Points of the messages-per-second line (one a second). */
const RATE_POINTS = 60;

const element = (id) => document.getElementById(id);
const ui = {
  status: element('status'),
  statusText: element('status-text'),
  nameForm: element('name-form'),
  nameInput: element('name-input'),
  memberCount: element('member-count'),
  messages: element('messages'),
  composer: element('composer'),
  messageInput: element('message-input'),
  sendButton: element('send-button'),
  uptime: element('uptime'),
  connections: element('stat-connections'),
  rate: element('stat-rate'),
  bytesIn: element('stat-bytes-in'),
  bytesOut: element('stat-bytes-out'),
  sparkline: element('sparkline'),
  dropZone: element('drop-zone'),
  fileInput: element('file-input'),
  progressSent: element('progress-sent'),
  progressEchoed: element('progress-echoed'),
  uploadStatus: element('upload-status'),
  uploadResult: element('upload-result'),
  members: element('members'),
};

const state = {
  /** @type {WebSocket | null} */
  socket: null,
  /** @type {{ id: number, name: string } | null} */
  you: null,
  /** @type {Map<number, { id: number, name: string }>} */
  members: new Map(),
  /** @type {number[]} */
  rates: [],
  upload: null,
  lastUpload: null,
  retries: 0,
  chatIds: new Set(),
};

// ---- connection ---------------------------------------------------------------------------------

function connect() {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const name = sessionStorage.getItem('wskit-demo-name');
  if (name) url.searchParams.set('name', name);

  const socket = new WebSocket(url);
  socket.binaryType = 'arraybuffer';
  state.socket = socket;
  setStatus('connecting', 'Connecting…');

  socket.addEventListener('open', () => {
    state.retries = 0;
    setEnabled(true);
  });
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') onText(JSON.parse(event.data));
    else onBinary(new Uint8Array(event.data));
  });
  socket.addEventListener('close', (event) => {
    if (state.socket !== socket) return;
    state.socket = null;
    setEnabled(false);
    failUpload(`the connection closed (${event.code})`);
    const delay = Math.min(1000 * 2 ** state.retries, 10_000);
    state.retries++;
    const why = event.reason ? `${event.code} ${event.reason}` : `${event.code}`;
    setStatus('closed', `Disconnected (${why}), retrying in ${Math.round(delay / 1000)} s`);
    addNotice(`Disconnected: ${describeClose(event.code)}${event.reason ? ` (“${event.reason}”)` : ''}.`);
    setTimeout(connect, delay);
  });
}

function describeClose(code) {
  const names = {
    1000: 'normal closure',
    1001: 'the server went away',
    1006: 'the connection was lost',
    1008: 'policy violation',
    1009: 'message too big',
    1011: 'server error',
  };
  return `${code}, ${names[code] ?? 'closed'}`;
}

function send(message) {
  const socket = state.socket;
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function setStatus(kind, text) {
  ui.status.dataset.state = kind;
  ui.statusText.textContent = text;
}

function setEnabled(enabled) {
  ui.messageInput.disabled = !enabled;
  ui.sendButton.disabled = !enabled;
  ui.fileInput.disabled = !enabled || state.upload !== null;
}

// ---- what the server says ------------------------------------------------------------------------

function onText(message) {
  switch (message.type) {
    case 'welcome':
      state.you = message.you;
      state.members = new Map(message.members.map((member) => [member.id, member]));
      sessionStorage.setItem('wskit-demo-name', message.you.name);
      if (document.activeElement !== ui.nameInput) ui.nameInput.value = message.you.name;
      setStatus('open', `Connected as ${message.you.name}`);
      for (const entry of message.history) addChat(entry);
      renderMembers();
      break;
    case 'chat':
      addChat(message);
      break;
    case 'join':
      state.members.set(message.member.id, message.member);
      addNotice(`${message.member.name} joined`);
      renderMembers();
      break;
    case 'leave':
      state.members.delete(message.member.id);
      addNotice(`${message.member.name} left`);
      renderMembers();
      break;
    case 'rename':
      state.members.set(message.member.id, message.member);
      if (message.member.id === state.you?.id) {
        state.you = message.member;
        sessionStorage.setItem('wskit-demo-name', message.member.name);
        setStatus('open', `Connected as ${message.member.name}`);
      }
      addNotice(`${message.previous} is now ${message.member.name}`);
      renderMembers();
      break;
    case 'uploaded':
      addNotice(
        `${message.from.name} sent ${message.fileName} (${formatBytes(message.size)}) through the echo`,
      );
      break;
    case 'stats':
      renderStats(message);
      break;
    case 'error':
      addNotice(`Server: ${message.message}`, 'error');
      break;
  }
}

// ---- chat ----------------------------------------------------------------------------------------

function addChat(entry) {
  if (state.chatIds.has(entry.id)) return;
  state.chatIds.add(entry.id);
  const mine = entry.from.id === state.you?.id;
  const item = document.createElement('li');
  item.className = mine ? 'message mine' : 'message';
  item.dataset.from = entry.from.name;

  const wrap = document.createElement('div');
  wrap.className = 'bubble-wrap';
  const meta = document.createElement('div');
  meta.className = 'meta';
  const who = document.createElement('strong');
  who.textContent = mine ? 'You' : entry.from.name;
  const time = new Date(entry.time).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  meta.append(who, ` · ${time}`);
  const bubble = document.createElement('div');
  bubble.className = 'bubble';
  bubble.textContent = entry.text;
  wrap.append(meta, bubble);

  item.append(avatar(entry.from.name), wrap);
  append(item);
}

function addNotice(text, kind = '') {
  const item = document.createElement('li');
  item.className = kind ? `notice ${kind}` : 'notice';
  item.textContent = text;
  append(item);
}

function append(item) {
  const list = ui.messages;
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  list.append(item);
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function avatar(name) {
  const circle = document.createElement('span');
  circle.className = 'avatar';
  circle.style.background = `hsl(${hue(name)} 62% 52%)`;
  circle.textContent = initials(name);
  circle.setAttribute('aria-hidden', 'true');
  return circle;
}

function initials(name) {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? words[0][0] + words[1][0] : (words[0] ?? '?').slice(0, 2);
  return letters.toUpperCase();
}

function hue(name) {
  let hash = 0;
  for (const character of name) hash = (hash * 31 + character.codePointAt(0)) >>> 0;
  return hash % 360;
}

function renderMembers() {
  ui.members.replaceChildren(
    ...[...state.members.values()].map((member) => {
      const item = document.createElement('li');
      const label = document.createElement('span');
      label.textContent = member.name;
      item.append(avatar(member.name), label);
      if (member.id === state.you?.id) {
        item.className = 'is-you';
        const you = document.createElement('span');
        you.className = 'you';
        you.textContent = '(you)';
        item.append(you);
      }
      return item;
    }),
  );
  const count = state.members.size;
  ui.memberCount.textContent = `${count} ${count === 1 ? 'member' : 'members'}`;
}

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.messageInput.value.trim();
  if (!text) return;
  send({ type: 'chat', text });
  ui.messageInput.value = '';
});

ui.nameForm.addEventListener('submit', (event) => {
  event.preventDefault();
  ui.nameInput.blur();
});

ui.nameInput.addEventListener('change', () => {
  const name = ui.nameInput.value.trim();
  if (name && name !== state.you?.name) send({ type: 'rename', name });
  else if (state.you) ui.nameInput.value = state.you.name;
});

// ---- figures -------------------------------------------------------------------------------------

function renderStats(stats) {
  ui.connections.textContent = String(stats.connections);
  ui.rate.textContent = String(stats.messagesPerSecond);
  ui.bytesIn.textContent = formatBytes(stats.bytesIn);
  ui.bytesOut.textContent = formatBytes(stats.bytesOut);
  ui.uptime.textContent = `up ${formatDuration(stats.uptime)}`;
  state.rates.push(stats.messagesPerSecond);
  if (state.rates.length > RATE_POINTS) state.rates.shift();
  drawSparkline();
}

function drawSparkline() {
  const width = 300;
  const height = 56;
  const rates = state.rates;
  const top = Math.max(4, ...rates);
  const step = width / (RATE_POINTS - 1);
  const offset = (RATE_POINTS - rates.length) * step;
  const points = rates.map((rate, index) => {
    const x = offset + index * step;
    const y = height - 3 - (rate / top) * (height - 8);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  if (points.length === 0) return;
  if (points.length === 1) points.unshift(`${(offset - step).toFixed(1)},${points[0].split(',')[1]}`);
  const line = `M${points.join(' L')}`;
  const first = points[0].split(',')[0];
  ui.sparkline.querySelector('.sparkline-line').setAttribute('d', line);
  ui.sparkline
    .querySelector('.sparkline-area')
    .setAttribute('d', `${line} L${width},${height} L${first},${height} Z`);
}

// ---- binary echo ---------------------------------------------------------------------------------

/**
 * Sends `bytes` in binary messages of CHUNK_SIZE and resolves once all of them came back, with
 * `{ fileName, size, echoed, identical, firstDifference, milliseconds, received }`: the page
 * compares the bytes that came back (`received`) with `bytes`.
 */
function upload(bytes, fileName = 'bytes.bin') {
  const socket = state.socket;
  if (socket?.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected'));
  if (state.upload) return Promise.reject(new Error('an upload is already running'));
  if (bytes.length > MAX_UPLOAD_SIZE) {
    return Promise.reject(new Error(`at most ${formatBytes(MAX_UPLOAD_SIZE)} can be sent`));
  }
  const current = {
    fileName,
    size: bytes.length,
    sent: bytes,
    received: new Uint8Array(bytes.length),
    queued: 0,
    echoed: 0,
    started: performance.now(),
    socket,
  };
  const done = new Promise((resolve, reject) => {
    current.resolve = resolve;
    current.reject = reject;
  });
  state.upload = current;
  ui.fileInput.disabled = true;
  ui.uploadResult.dataset.state = 'running';
  ui.uploadResult.textContent = '';
  socket.send(JSON.stringify({ type: 'upload', fileName, size: bytes.length }));
  if (bytes.length === 0) finishUpload(current);
  else void sendChunks(current);
  requestAnimationFrame(renderProgress);
  return done;
}

async function sendChunks(current) {
  const { socket, sent } = current;
  for (let offset = 0; offset < sent.length; offset += CHUNK_SIZE) {
    // The browser's bufferedAmount is the only backpressure a WebSocket page gets: wait while full.
    while (socket.bufferedAmount > HIGH_WATER_MARK) {
      await new Promise((resolve) => setTimeout(resolve, 4));
      if (state.upload !== current) return;
    }
    if (state.upload !== current) return;
    socket.send(sent.subarray(offset, offset + CHUNK_SIZE));
    current.queued = Math.min(sent.length, offset + CHUNK_SIZE);
  }
}

function onBinary(chunk) {
  const current = state.upload;
  if (!current) return;
  if (current.echoed + chunk.length > current.size) {
    finishUpload(current, 'the server sent back more bytes than were sent');
    return;
  }
  current.received.set(chunk, current.echoed);
  current.echoed += chunk.length;
  if (current.echoed === current.size) finishUpload(current);
}

function finishUpload(current, problem) {
  state.upload = null;
  setEnabled(state.socket?.readyState === WebSocket.OPEN);
  const milliseconds = Math.round(performance.now() - current.started);
  const firstDifference = problem ? -1 : findDifference(current.sent, current.received);
  const result = {
    fileName: current.fileName,
    size: current.size,
    echoed: current.echoed,
    identical: !problem && firstDifference === -1,
    firstDifference,
    milliseconds,
  };
  state.lastUpload = result;
  renderProgress();
  const size = formatBytes(result.size);
  if (result.identical) {
    ui.uploadResult.dataset.state = 'verified';
    ui.uploadResult.textContent = `✓ ${size} came back identical`;
  } else {
    ui.uploadResult.dataset.state = 'mismatch';
    ui.uploadResult.textContent = problem
      ? `✗ ${result.fileName}: ${problem}`
      : `✗ ${result.fileName}: the echo differs from byte ${firstDifference} on`;
  }
  current.resolve({ ...result, received: current.received });
}

function failUpload(why) {
  const current = state.upload;
  if (!current) return;
  state.upload = null;
  ui.uploadResult.dataset.state = 'failed';
  ui.uploadResult.textContent = `✗ ${current.fileName}: ${why}`;
  current.reject(new Error(why));
}

/** The index of the first byte where `a` and `b` differ, or -1. */
function findDifference(a, b) {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let index = 0; index < a.length; index++) if (a[index] !== b[index]) return index;
  return -1;
}

function renderProgress() {
  const current = state.upload;
  const last = state.lastUpload;
  if (current) {
    const inFlight = current.socket.readyState === WebSocket.OPEN ? current.socket.bufferedAmount : 0;
    const sent = Math.max(0, current.queued - inFlight);
    const total = current.size || 1;
    ui.progressSent.style.width = `${(100 * sent) / total}%`;
    ui.progressEchoed.style.width = `${(100 * current.echoed) / total}%`;
    ui.uploadStatus.textContent = `${current.fileName}: sent ${formatBytes(sent)}, echoed ${formatBytes(current.echoed)} of ${formatBytes(current.size)}`;
    requestAnimationFrame(renderProgress);
  } else if (last) {
    ui.progressSent.style.width = '100%';
    ui.progressEchoed.style.width = last.size === 0 ? '100%' : `${(100 * last.echoed) / last.size}%`;
    const rate = last.milliseconds > 0 ? ` (${formatBytes((last.echoed * 1000) / last.milliseconds)}/s)` : '';
    ui.uploadStatus.textContent = `${last.fileName}: echoed in ${last.milliseconds} ms${rate}`;
  }
}

async function uploadFile(file) {
  if (!file) return;
  if (file.size > MAX_UPLOAD_SIZE) {
    ui.uploadResult.dataset.state = 'failed';
    ui.uploadResult.textContent = `✗ ${file.name} is over ${formatBytes(MAX_UPLOAD_SIZE)}`;
    return;
  }
  try {
    await upload(new Uint8Array(await file.arrayBuffer()), file.name);
  } catch (error) {
    if (ui.uploadResult.dataset.state !== 'failed') {
      ui.uploadResult.dataset.state = 'failed';
      ui.uploadResult.textContent = `✗ ${error.message}`;
    }
  }
}

ui.fileInput.addEventListener('change', () => {
  const [file] = ui.fileInput.files;
  ui.fileInput.value = '';
  void uploadFile(file);
});

for (const type of ['dragenter', 'dragover']) {
  ui.dropZone.addEventListener(type, (event) => {
    event.preventDefault();
    ui.dropZone.classList.add('dragging');
  });
}
for (const type of ['dragleave', 'drop']) {
  ui.dropZone.addEventListener(type, () => ui.dropZone.classList.remove('dragging'));
}
ui.dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  if (!ui.fileInput.disabled) void uploadFile(event.dataTransfer?.files[0]);
});

// ---- formatting ----------------------------------------------------------------------------------

function formatBytes(bytes) {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1024;
    unit++;
  } while (value >= 1024 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

function formatDuration(seconds) {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

// ---- for tests and the curious (try wskitDemo.upload(new Uint8Array(1e6)) in the console) ------

window.wskitDemo = {
  upload,
  get you() {
    return state.you;
  },
  get lastUpload() {
    return state.lastUpload;
  },
  get connected() {
    return state.socket?.readyState === WebSocket.OPEN && state.you !== null;
  },
  /** The extensions the server accepted (the browser offers permessage-deflate). */
  get extensions() {
    return state.socket?.extensions ?? '';
  },
};

connect();
