// Messages' media: shown through the short-lived signed URLs of the Media Content Service
// (`links.content_direct_temporary`), read per item with the agent's token and kept until shortly
// before they expire. Those URLs open one item with no credentials, so an <img> or a link can use
// them; nothing the browser holds but the agent's token reaches the engine.

/** A URL this close to its expiry (or half its lifetime, if shorter) is read afresh before it is used. */
const RefreshBefore = 60_000;

export function formatSize(bytes) {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * A message's media in one shape, `{ sid, size, content_type, filename }`, from the REST
 * resource (`media`, an array) or a live event (`Media`, the webhook's stringified JSON array).
 */
export function mediaOf(value) {
  let items = value;
  if (typeof value === 'string') {
    try { items = JSON.parse(value); } catch { return []; }
  }
  if (!Array.isArray(items)) return [];
  return items
    .map(i => ({
      sid: i.sid ?? i.Sid,
      size: Number(i.size ?? i.Size ?? 0),
      content_type: i.content_type ?? i.ContentType ?? '',
      filename: i.filename ?? i.Filename ?? null,
    }))
    .filter(i => i.sid);
}

/** Shown in place: images a browser renders as pictures (SVG is served as an attachment, never in place). */
export function isInlineImage(item) {
  return item.content_type.startsWith('image/') && item.content_type !== 'image/svg+xml';
}

export function labelOf(item) {
  return item.filename || item.content_type || 'attachment';
}

/** The signed content URLs of media items, by SID. */
export class MediaLinks {
  constructor(api) {
    this.api = api;
    /** sid → Promise<{ url, expires } | null> */
    this.pending = new Map();
    /** sid → { url, expires, margin }: what was last read */
    this.known = new Map();
  }

  /** Whether the URL last read for `sid` can still be used. */
  fresh(sid) {
    const entry = this.known.get(sid);
    return !!entry && entry.expires - Date.now() > entry.margin;
  }

  /** A path on this host that opens the item's content for at least a minute; null when it has none (or the agent may not read it). */
  async url(sid, { refresh = false } = {}) {
    if (!refresh && this.fresh(sid)) return this.known.get(sid).url;
    if (!refresh && this.pending.has(sid)) return (await this.pending.get(sid))?.url ?? null;
    const reading = this.read(sid);
    this.pending.set(sid, reading);
    try {
      return (await reading)?.url ?? null;
    } finally {
      if (this.pending.get(sid) === reading) this.pending.delete(sid);
    }
  }

  async read(sid) {
    let record;
    try {
      record = await this.api.media(sid);
    } catch {
      return null;
    }
    const link = record?.links?.content_direct_temporary;
    if (!link) return null;
    // The engine signs URLs with its public base URL; the same path on the host the console came
    // from opens the same item and stays within the page's own origin (its CSP's 'self').
    const path = new URL(link, location.origin).pathname;
    const seconds = Number(path.split('/')[3]);
    const expires = Number.isFinite(seconds) ? seconds * 1000 : Date.now() + 5 * 60_000;
    const entry = { url: path, expires, margin: Math.min(RefreshBefore, (expires - Date.now()) / 2) };
    this.known.set(sid, entry);
    return entry;
  }

  forget() {
    this.pending.clear();
    this.known.clear();
  }
}

/**
 * The attachments of one message: images in place (opening full size on click), anything else
 * as a download link with its name and size. URLs are filled in as they are read.
 */
export function renderMedia(items, links) {
  const list = document.createElement('ul');
  list.className = 'attachments';
  for (const item of items) {
    const li = document.createElement('li');
    li.dataset.mediaSid = item.sid;
    const link = document.createElement('a');
    link.className = 'attachment';
    link.rel = 'noopener noreferrer';
    const label = labelOf(item);
    const size = formatSize(item.size);
    link.title = size ? `${label} (${size})` : label;
    if (isInlineImage(item)) {
      li.className = 'image';
      link.target = '_blank';
      const img = document.createElement('img');
      img.alt = label;
      img.decoding = 'async';
      img.addEventListener('error', () => retryImage(img, item.sid, li, links));
      link.append(img);
      links.url(item.sid).then(url => {
        if (url) img.src = url;
        else unavailable(li, label);
      });
    } else {
      li.className = 'file';
      link.download = item.filename ?? '';
      link.append(Object.assign(document.createElement('span'), { className: 'name', textContent: label }));
      if (size) link.append(Object.assign(document.createElement('span'), { className: 'size', textContent: size }));
      links.url(item.sid).then(url => {
        if (url) link.href = url;
        else unavailable(li, label);
      });
    }
    // A URL read long ago may have expired: read afresh, then follow it (that second click goes through).
    let following = false;
    link.addEventListener('click', async e => {
      if (following || (links.fresh(item.sid) && link.href)) {
        following = false;
        return;
      }
      e.preventDefault();
      const url = await links.url(item.sid);
      if (!url) {
        unavailable(li, label);
        return;
      }
      link.href = url;
      following = true;
      link.click();
    });
    li.append(link);
    list.append(li);
  }
  return list;
}

/** An image that failed once is read again with a new URL (the old one may have expired), then given up. */
async function retryImage(img, sid, li, links) {
  if (img.dataset.retried) {
    unavailable(li, img.alt);
    return;
  }
  img.dataset.retried = 'true';
  const url = await links.url(sid, { refresh: true });
  if (url) img.src = url;
  else unavailable(li, img.alt);
}

function unavailable(li, label) {
  li.className = 'unavailable';
  li.replaceChildren(Object.assign(document.createElement('span'), { textContent: `${label} (not available)` }));
}
