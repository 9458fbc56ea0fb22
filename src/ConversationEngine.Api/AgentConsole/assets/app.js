// The agent console: sign-in, the agent's conversations, one conversation at a time, kept live by
// the stream. The token lives in sessionStorage only (gone when the tab closes).
import { Api, ApiError, developmentToken, readToken } from './api.js';
import { LiveStream } from './stream.js';
import { MediaLinks, formatSize, labelOf, mediaOf, renderMedia } from './media.js';

const TokenKey = 'conversation-engine.console.token';
const TypingEvery = 3000;
const TypingShownFor = 5000;

const $ = id => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter(c => c !== null && c !== undefined));
  return node;
};

let api = null;
let stream = null;
/** Signed content URLs of the media shown, by SID. */
let mediaLinks = null;
/** Files attached to the message being written: { file, li, sid, error, removed, done, abort } */
let attachments = [];
/** sid → { sid, name, unread, lastRead, state, activity, preview } */
const conversations = new Map();
/** The conversation on screen: { sid, messages: Map(sid → message), next, receipts: Map(messageSid → Map(receiptSid → receipt)) } */
let current = null;
let listLoaded = false;
let lastTypingSent = 0;
let typingTimer = null;
/** Conversations being handed over by this agent: sid → receiving identity. */
const transfers = new Map();

// ---- sign-in ------------------------------------------------------------------------------

function signIn(token) {
  readToken(token); // throws on something that is not a token
  sessionStorage.setItem(TokenKey, token);
  start(token);
}

function signOut(message) {
  sessionStorage.removeItem(TokenKey);
  stream?.stop();
  stream = null;
  clearAttachments({ discard: true });
  mediaLinks?.forget();
  mediaLinks = null;
  api = null;
  current = null;
  listLoaded = false;
  conversations.clear();
  $('conversation-list').replaceChildren();
  $('app').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message ?? '';
  $('token-input').focus();
}

async function showSignIn() {
  $('sign-in').hidden = false;
  $('app').hidden = true;
  try {
    const settings = await (await fetch('/console/settings')).json();
    $('dev-form').hidden = !settings.development_sign_in;
  } catch {
    $('dev-form').hidden = true;
  }
}

$('token-form').addEventListener('submit', e => {
  e.preventDefault();
  try {
    signIn($('token-input').value.trim());
  } catch (error) {
    $('sign-in-error').textContent = error.message;
  }
});

$('dev-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    const token = await developmentToken($('dev-account').value.trim(), $('dev-secret').value,
      $('dev-identity').value.trim(), $('dev-service').value.trim());
    $('dev-secret').value = '';
    signIn(token);
  } catch (error) {
    $('sign-in-error').textContent = error.message;
  }
});

$('sign-out').addEventListener('click', () => signOut());

// ---- the console --------------------------------------------------------------------------

function start(token) {
  api = new Api(token, message => signOut(`Signed out: ${message ?? 'the token was refused'}`));
  mediaLinks = new MediaLinks(api);
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('me').textContent = api.identity;
  $('token-input').value = '';
  stream = new LiveStream(token, onFrame, setConnection);
  stream.start();
}

function setConnection(state) {
  const node = $('connection');
  node.className = `connection ${state}`;
  node.textContent = { connecting: 'Connecting…', online: 'Live', offline: 'Reconnecting…' }[state];
}

function nameOf(c) {
  return c.friendly_name || c.unique_name || c.conversation_sid;
}

function remember(userConversation) {
  const sid = userConversation.conversation_sid;
  const known = conversations.get(sid);
  const entry = {
    sid,
    name: nameOf(userConversation),
    unread: userConversation.unread_messages_count ?? 0,
    lastRead: userConversation.last_read_message_index ?? -1,
    state: userConversation.conversation_state,
    activity: known?.activity ?? Date.parse(userConversation.date_updated),
    preview: known?.preview ?? '',
    // The newest message index counted: an event for it (streamed after the list was read) is not unread twice.
    latest: known?.latest ?? -1,
  };
  conversations.set(sid, entry);
  return entry;
}

/** The newest message's time and text: the order and preview of the list. */
async function loadLatest(entry) {
  try {
    const page = await api.messages(entry.sid, 1);
    const latest = page.messages[0];
    if (latest) {
      entry.activity = Math.max(entry.activity, Date.parse(latest.date_created));
      entry.preview = entry.preview || previewOf(latest.author, latest.body, latest.media);
      entry.latest = Math.max(entry.latest, latest.index);
    }
  } catch { /* the list still shows it */ }
}

function previewOf(author, body, media) {
  const items = mediaOf(media);
  const text = body || (items.length ? `${items.length === 1 ? 'Attachment' : `${items.length} attachments`}: ${items.map(labelOf).join(', ')}` : '');
  return `${author === api.identity ? 'You' : author}: ${text}`;
}

async function loadList() {
  const found = await api.userConversations();
  const entries = found.map(remember);
  await Promise.all(entries.map(loadLatest));
  listLoaded = true;
  renderList();
}

async function addConversation(sid) {
  try {
    const entry = remember(await api.userConversation(sid));
    await loadLatest(entry);
    entry.activity = Math.max(entry.activity, Date.now());
    renderList();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
  }
}

function removeConversation(sid, why) {
  conversations.delete(sid);
  stream?.forget(sid);
  renderList();
  if (current?.sid === sid) {
    closeView();
    $('notice').textContent = why;
  }
}

function renderList() {
  const list = $('conversation-list');
  const sorted = [...conversations.values()].sort((a, b) => b.activity - a.activity);
  const existing = new Map([...list.children].map(li => [li.dataset.sid, li]));
  let position = 0;
  for (const entry of sorted) {
    let li = existing.get(entry.sid);
    existing.delete(entry.sid);
    if (!li) {
      li = el('li');
      li.dataset.sid = entry.sid;
      const button = el('button', { type: 'button', className: 'conversation-item' },
        el('span', { className: 'name' }), el('span', { className: 'unread' }),
        el('span', { className: 'preview' }), el('span', { className: 'time' }));
      button.addEventListener('click', () => openConversation(entry.sid));
      li.append(button);
    }
    const button = li.firstChild;
    button.querySelector('.name').textContent = entry.name;
    const unread = button.querySelector('.unread');
    unread.textContent = String(entry.unread);
    unread.dataset.count = String(entry.unread);
    button.querySelector('.preview').textContent = entry.preview;
    button.querySelector('.time').textContent = entry.activity ? new Date(entry.activity).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
    button.setAttribute('aria-current', String(current?.sid === entry.sid));
    button.setAttribute('aria-label', `${entry.name}${entry.unread ? `, ${entry.unread} unread` : ''}${entry.preview ? `. ${entry.preview}` : ''}`);
    const at = list.children[position++];
    if (at !== li) {
      // Only what is out of place moves; a moved button that had the focus gets it back.
      const focused = li.contains(document.activeElement);
      list.insertBefore(li, at ?? null);
      if (focused) button.focus();
    }
  }
  for (const li of existing.values()) li.remove();
  $('list-empty').hidden = conversations.size > 0;
}

// ---- one conversation ---------------------------------------------------------------------

async function openConversation(sid) {
  const entry = conversations.get(sid);
  if (!entry) return;
  if (current?.sid !== sid) clearAttachments({ discard: true });
  current = { sid, messages: new Map(), next: null, receipts: new Map(), participants: [] };
  $('notice').textContent = '';
  $('no-selection').hidden = true;
  $('conversation').hidden = false;
  $('app').classList.add('viewing');
  $('conversation-title').textContent = entry.name;
  $('conversation-state').textContent = entry.state ?? '';
  $('conversation-error').textContent = '';
  $('messages').replaceChildren();
  $('participants').replaceChildren();
  $('typing').textContent = '';
  renderList();
  $('composer-input').focus();
  try {
    const [page] = await Promise.all([api.messages(sid), loadParticipants()]);
    if (current?.sid !== sid) return;
    current.next = page.meta?.next_page_url ?? null;
    for (const message of page.messages) addMessage(message);
    $('older').hidden = !current.next;
    scrollToEnd();
    markRead();
    for (const message of page.messages) loadFailedReceipts(message);
  } catch (error) {
    showError(error);
  }
}

function closeView() {
  clearAttachments({ discard: true });
  current = null;
  $('conversation').hidden = true;
  $('no-selection').hidden = false;
  $('app').classList.remove('viewing');
  renderList();
}

async function loadOlder() {
  if (!current?.next) return;
  const sid = current.sid;
  const history = document.querySelector('.history');
  const before = history.scrollHeight;
  try {
    const page = await api.page(current.next);
    if (current?.sid !== sid) return;
    current.next = page.meta?.next_page_url ?? null;
    for (const message of page.messages) addMessage(message);
    $('older').hidden = !current.next;
    history.scrollTop += history.scrollHeight - before;
  } catch (error) {
    showError(error);
  }
}

async function loadParticipants() {
  const sid = current.sid;
  const page = await api.participants(sid);
  if (current?.sid !== sid) return;
  current.participants = page.participants;
  const list = $('participants');
  list.replaceChildren(...page.participants.map(p => {
    const binding = p.messaging_binding;
    const channel = binding?.type ?? 'chat';
    const who = p.identity ?? binding?.address ?? p.sid;
    const item = el('li', {}, el('span', { className: 'channel' }, channel), who);
    if (p.identity) item.dataset.identity = p.identity;
    if (p.identity === api.identity) item.append(' (you)');
    if (binding?.proxy_address) item.append(el('span', { className: 'hint' }, ` via ${binding.proxy_address}`));
    if (binding?.address) showConsent(sid, p.sid, item);
    return item;
  }));
}

/**
 * A messaging participant's consent on its channel: opted out (by keyword, or how it was recorded),
 * opted in (and how), or no opt-in on record; and WhatsApp's open window.
 */
async function showConsent(sid, participantSid, item) {
  try {
    const consent = await api.consent(sid, participantSid);
    if (current?.sid !== sid || consent.opted_out === null) return;
    const state = consent.consent?.state ?? (consent.opted_out ? 'opted_out' : 'none');
    const how = consent.opted_out ? (consent.last_keyword ?? consent.consent?.source) : consent.consent?.source;
    const label = state === 'opted_out' ? `opted out${how ? ` (${how})` : ''}`
      : state === 'opted_in' ? `opted in${how ? ` (${how})` : ''}`
      : 'no opt-in recorded';
    const badge = el('span', { className: `consent ${state.replace('_', '-')}` }, label);
    if (consent.consent?.date_updated) badge.title = `since ${new Date(consent.consent.date_updated).toLocaleString()}`;
    item.append(' ', badge);
    if (consent.whatsapp_window_ends) {
      const open = new Date(consent.whatsapp_window_ends) > new Date();
      item.append(el('span', { className: 'hint' }, open ? ` · window open until ${new Date(consent.whatsapp_window_ends).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : ' · window closed (templates only)'));
    }
  } catch (error) {
    // Consent is shown when it can be read; sending still applies it.
  }
}

function addMessage(m) {
  if (!current || current.messages.has(m.sid)) return;
  current.messages.set(m.sid, m);
  const li = el('li', { className: 'message' });
  li.dataset.sid = m.sid;
  li.dataset.index = String(m.index);
  if (m.author === api.identity) li.classList.add('mine');
  if (m.author === 'system') li.classList.add('system');
  li.append(
    el('div', { className: 'meta' }, el('span', { className: 'author' }, m.author === api.identity ? 'You' : m.author),
      el('time', { dateTime: m.date_created }, new Date(m.date_created).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }))),
    el('div', { className: 'body' }, m.body ?? ''));
  const media = mediaOf(m.media);
  if (media.length) {
    li.append(renderMedia(media, mediaLinks));
    keepEndInView(li);
  }
  li.append(el('div', { className: 'delivery', hidden: true }));
  const list = $('messages');
  const after = [...list.children].find(other => Number(other.dataset.index) > m.index);
  list.insertBefore(li, after ?? null);
  renderDelivery(m.sid);
}

/** Per message sent to SMS/WhatsApp recipients: its receipts as they move, else the resource's summary. */
function renderDelivery(messageSid) {
  const li = document.querySelector(`.message[data-sid="${messageSid}"]`);
  const message = current?.messages.get(messageSid);
  if (!li || !message) return;
  const node = li.querySelector('.delivery');
  const receipts = [...(current.receipts.get(messageSid)?.values() ?? [])];
  let state = null;
  let text = '';
  if (receipts.length) {
    const rank = ['sent', 'undelivered', 'delivered', 'read'];
    const failed = receipts.filter(r => r.status === 'failed' || r.status === 'undelivered');
    if (failed.length) {
      state = failed[0].status;
      const codes = [...new Set(failed.map(r => r.error_code).filter(c => c && c !== '0' && c !== 0))];
      text = `${state}${codes.length ? ` (error ${codes.join(', ')})` : ''}`;
      if (failed.length < receipts.length) text += ` for ${failed.length} of ${receipts.length}`;
    } else {
      state = rank[Math.min(...receipts.map(r => Math.max(0, rank.indexOf(r.status))))];
      text = state;
    }
  } else if (message.delivery) {
    const d = message.delivery;
    state = d.failed !== 'none' ? 'failed' : d.undelivered !== 'none' ? 'undelivered'
      : d.read === 'all' ? 'read' : d.delivered === 'all' ? 'delivered' : d.sent === 'all' ? 'sent' : 'sending';
    text = state;
  }
  node.hidden = !state;
  node.dataset.state = state ?? '';
  const mark = state === 'failed' || state === 'undelivered' ? '✗' : state === 'sending' ? '…' : '✓';
  node.textContent = state ? `${mark} ${text}` : '';
  node.setAttribute('aria-label', `Delivery: ${text}`);
}

/** A failed summary does not say why: its receipts carry Twilio's error code. */
async function loadFailedReceipts(message) {
  if (!message.delivery || (message.delivery.failed === 'none' && message.delivery.undelivered === 'none')) return;
  try {
    const page = await api.receipts(message.conversation_sid, message.sid);
    for (const r of page.delivery_receipts ?? []) {
      receiptOf(message.sid).set(r.sid, { status: r.status, error_code: r.error_code });
    }
    renderDelivery(message.sid);
  } catch { /* the summary stays */ }
}

function receiptOf(messageSid) {
  if (!current.receipts.has(messageSid)) current.receipts.set(messageSid, new Map());
  return current.receipts.get(messageSid);
}

/** Images arrive after their message is placed: one that grows the view while it was at its end keeps the end in view. */
function keepEndInView(li) {
  for (const img of li.querySelectorAll('img')) {
    img.addEventListener('load', () => {
      const history = document.querySelector('.history');
      if (history.scrollHeight - history.scrollTop - history.clientHeight < 80 + img.offsetHeight) scrollToEnd();
    }, { once: true });
  }
}

function scrollToEnd() {
  const history = document.querySelector('.history');
  history.scrollTop = history.scrollHeight;
}

async function markRead() {
  if (!current) return;
  const entry = conversations.get(current.sid);
  const newest = Math.max(-1, ...[...current.messages.values()].map(m => m.index));
  if (!entry || newest < 0 || (newest <= entry.lastRead && entry.unread === 0)) return;
  entry.lastRead = newest;
  entry.unread = 0;
  renderList();
  try {
    const updated = await api.markRead(current.sid, newest);
    entry.unread = updated.unread_messages_count ?? 0;
    renderList();
  } catch (error) {
    showError(error);
  }
}

function showError(error) {
  $('conversation-error').textContent = error instanceof ApiError ? error.message : String(error.message ?? error);
}

$('older').addEventListener('click', loadOlder);
$('back').addEventListener('click', () => {
  const sid = current?.sid;
  closeView();
  document.querySelector(`#conversation-list li[data-sid="${sid}"] button`)?.focus();
});
$('toggle-details').addEventListener('click', () => {
  const open = $('details').classList.toggle('open');
  $('toggle-details').setAttribute('aria-expanded', String(open));
});

const composer = $('composer-input');
composer.addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    $('composer').requestSubmit();
  }
});
composer.addEventListener('input', () => {
  if (!current || !composer.value || Date.now() - lastTypingSent < TypingEvery) return;
  lastTypingSent = Date.now();
  stream?.send({ type: 'typing', conversation_sid: current.sid });
});
let sending = false;
$('composer').addEventListener('submit', async e => {
  e.preventDefault();
  const body = composer.value.trim();
  if (!current || sending || (!body && attachments.length === 0)) return;
  const sid = current.sid;
  let items = [...attachments];
  sending = true;
  $('send').disabled = true;
  try {
    // Uploads still under way are waited for; the message goes with every file or not at all.
    await Promise.all(items.map(a => a.done));
    items = items.filter(a => !a.removed);
    if (current?.sid !== sid || (!body && items.length === 0)) return;
    if (items.some(a => a.error)) {
      showError(new Error('Remove the attachments that could not be uploaded, then send again.'));
      return;
    }
    composer.value = '';
    lastTypingSent = 0;
    try {
      const message = await api.send(sid, body, items.map(a => a.sid));
      for (const item of items) dropAttachment(item);
      if (current?.sid === sid) {
        $('conversation-error').textContent = '';
        addMessage(message);
        scrollToEnd();
      }
      bump(sid, message.author, message.body, message.media);
    } catch (error) {
      // Refused (a channel that does not take the type, too large for it…): nothing was attached, the files stay to change or remove.
      if (!composer.value) composer.value = body;
      showError(error);
    }
  } finally {
    sending = false;
    $('send').disabled = false;
  }
});

// ---- attachments --------------------------------------------------------------------------

/** Uploads each file at once (so a refusal shows before sending), with its progress and a way to remove it. */
function attachFiles(files) {
  if (!current || !api) return;
  for (const file of files) {
    const item = { file, sid: null, error: null, removed: false };
    const progress = el('progress', { max: 1, value: 0 });
    progress.setAttribute('aria-label', `Uploading ${file.name}`);
    const state = el('span', { className: 'state' }, 'uploading…');
    const remove = el('button', { type: 'button', className: 'secondary remove' }, '×');
    remove.setAttribute('aria-label', `Remove ${file.name}`);
    remove.addEventListener('click', () => {
      removeAttachment(item);
      composer.focus();
    });
    item.li = el('li', { className: 'pending' },
      el('span', { className: 'name' }, file.name || 'file'), el('span', { className: 'size' }, formatSize(file.size)), progress, state, remove);
    const upload = api.upload(file, fraction => { progress.value = fraction; });
    item.abort = upload.abort;
    item.done = upload.done.then(record => {
      item.sid = record.sid;
      if (item.removed) {
        api?.deleteMedia(record.sid).catch(() => {});
        return;
      }
      item.li.className = 'ready';
      progress.remove();
      state.textContent = 'ready';
    }, error => {
      item.error = error;
      if (item.removed) return;
      item.li.className = 'failed';
      progress.remove();
      state.textContent = error.message;
      state.classList.add('error');
      state.setAttribute('role', 'alert');
    });
    attachments.push(item);
    $('attachments').append(item.li);
  }
  $('attachments').hidden = attachments.length === 0;
}

/** Taken off the message: an upload under way is cancelled, a finished one deleted (nothing else would ever use it). */
function removeAttachment(item) {
  item.removed = true;
  item.abort?.();
  if (item.sid) api?.deleteMedia(item.sid).catch(() => {});
  dropAttachment(item);
}

/** Off the list, its media kept (sent with a message). */
function dropAttachment(item) {
  attachments = attachments.filter(a => a !== item);
  item.li.remove();
  $('attachments').hidden = attachments.length === 0;
}

function clearAttachments({ discard }) {
  for (const item of [...attachments]) {
    if (discard) removeAttachment(item);
    else dropAttachment(item);
  }
}

$('attach').addEventListener('click', () => $('attach-input').click());
$('attach-input').addEventListener('change', e => {
  attachFiles([...e.target.files]);
  e.target.value = '';
});
composer.addEventListener('paste', e => {
  const files = [...(e.clipboardData?.files ?? [])];
  if (files.length === 0) return;
  e.preventDefault();
  attachFiles(files);
});
const dropZone = $('conversation');
dropZone.addEventListener('dragover', e => {
  if (!current || !e.dataTransfer?.types.includes('Files')) return;
  e.preventDefault();
  e.dataTransfer.dropEffect = 'copy';
  dropZone.classList.add('dropping');
});
dropZone.addEventListener('dragleave', e => {
  if (!dropZone.contains(e.relatedTarget)) dropZone.classList.remove('dropping');
});
dropZone.addEventListener('drop', e => {
  dropZone.classList.remove('dropping');
  if (!current || !e.dataTransfer?.files.length) return;
  e.preventDefault();
  attachFiles([...e.dataTransfer.files]);
});

$('transfer-form').addEventListener('submit', async e => {
  e.preventDefault();
  const to = $('transfer-to').value.trim();
  if (!current || !to) return;
  const sid = current.sid;
  // The stream's `left` may come before the answer: it reads the notice from here.
  transfers.set(sid, to);
  try {
    await api.transfer(sid, to);
    $('transfer-to').value = '';
    removeConversation(sid, `Transferred to ${to}.`);
    $('notice').textContent = `Transferred to ${to}.`;
  } catch (error) {
    transfers.delete(sid);
    showError(error);
  }
});

$('close-conversation').addEventListener('click', async () => {
  if (!current) return;
  try {
    const closed = await api.close(current.sid);
    $('conversation-state').textContent = closed.state;
    const entry = conversations.get(current.sid);
    if (entry) entry.state = closed.state;
  } catch (error) {
    showError(error);
  }
});

// ---- the stream ---------------------------------------------------------------------------

function bump(sid, author, body, media) {
  const entry = conversations.get(sid);
  if (!entry) return;
  entry.activity = Date.now();
  entry.preview = previewOf(author, body, media);
  renderList();
}

async function onFrame(frame) {
  const sid = frame.conversation_sid;
  switch (frame.type) {
    case 'ready': {
      if (!listLoaded) {
        await loadList();
        return;
      }
      const followed = new Set(Object.keys(frame.conversations));
      for (const known of [...conversations.keys()]) {
        if (!followed.has(known)) removeConversation(known, 'You are no longer in that conversation.');
      }
      for (const sidNow of followed) {
        if (!conversations.has(sidNow)) await addConversation(sidNow);
      }
      return;
    }
    case 'joined':
      await addConversation(sid);
      return;
    case 'left':
      removeConversation(sid, transfers.has(sid) ? `Transferred to ${transfers.get(sid)}.` : 'You are no longer in that conversation.');
      return;
    case 'typing':
      if (current?.sid === sid && frame.identity !== api.identity) {
        $('typing').textContent = `${frame.identity} is typing…`;
        clearTimeout(typingTimer);
        typingTimer = setTimeout(() => { $('typing').textContent = ''; }, TypingShownFor);
      }
      return;
    case 'reachability':
      if (current?.sid === sid) {
        const item = [...$('participants').children].find(li => li.dataset.identity === frame.identity);
        item?.classList.toggle('online', frame.online === true);
      }
      return;
    case 'event':
      onEvent(sid, frame.event_type, frame.data ?? {});
      return;
    default:
      return;
  }
}

function onEvent(sid, type, data) {
  const entry = conversations.get(sid);
  const viewing = current?.sid === sid;
  switch (type) {
    case 'onMessageAdded': {
      if (!entry) {
        addConversation(sid);
        return;
      }
      const index = Number(data.Index);
      if (viewing) {
        const history = document.querySelector('.history');
        const atEnd = history.scrollHeight - history.scrollTop - history.clientHeight < 80;
        addMessage({
          sid: data.MessageSid, index, author: data.Author, body: data.Body, conversation_sid: sid,
          date_created: data.DateCreated, delivery: null, media: data.Media,
        });
        if (data.Author !== api.identity) {
          $('typing').textContent = '';
          if (atEnd) scrollToEnd();
        } else {
          scrollToEnd();
        }
        markRead();
      } else if (data.Author !== api.identity && index > entry.lastRead && index > entry.latest) {
        entry.unread += 1;
      }
      entry.latest = Math.max(entry.latest, index);
      bump(sid, data.Author, data.Body, data.Media);
      return;
    }
    case 'onMessageUpdated':
      if (viewing && current.messages.has(data.MessageSid)) {
        const li = document.querySelector(`.message[data-sid="${data.MessageSid}"] .body`);
        if (li) li.textContent = data.Body ?? '';
      }
      return;
    case 'onMessageRemoved':
      if (viewing) {
        current.messages.delete(data.MessageSid);
        document.querySelector(`.message[data-sid="${data.MessageSid}"]`)?.remove();
      }
      return;
    case 'onDeliveryUpdated':
      if (viewing && current.messages.has(data.MessageSid)) {
        receiptOf(data.MessageSid).set(data.DeliveryReceiptSid, { status: data.Status, error_code: data.ErrorCode });
        renderDelivery(data.MessageSid);
      }
      return;
    case 'onParticipantAdded':
    case 'onParticipantUpdated':
    case 'onParticipantRemoved':
      if (viewing) loadParticipants().catch(showError);
      return;
    case 'onConversationUpdated':
    case 'onConversationStateUpdated':
      if (entry) {
        if (data.FriendlyName !== undefined) entry.name = data.FriendlyName || data.UniqueName || sid;
        if (data.State || data.StateTo) entry.state = data.StateTo ?? data.State;
        renderList();
        if (viewing) {
          $('conversation-title').textContent = entry.name;
          $('conversation-state').textContent = entry.state ?? '';
        }
      }
      return;
    default:
      return;
  }
}

// ---- start --------------------------------------------------------------------------------

const saved = sessionStorage.getItem(TokenKey);
if (saved) {
  try {
    start(saved);
  } catch {
    sessionStorage.removeItem(TokenKey);
    showSignIn();
  }
} else {
  showSignIn();
}
