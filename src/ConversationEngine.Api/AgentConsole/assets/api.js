// REST calls in Twilio's dialect, authenticated with the agent's Access Token (X-Twilio-Token).

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

/** The claims the console needs from an Access Token (not verified here: the engine does that). */
export function readToken(token) {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('That is not an Access Token (a JWT has three parts).');
  const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
  const claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, c => c.charCodeAt(0))));
  const identity = claims.grants?.identity;
  const service = claims.grants?.chat?.service_sid;
  if (!identity || !service) throw new Error('The token has no identity or chat grant.');
  return { identity, service, expires: claims.exp ? new Date(claims.exp * 1000) : null };
}

export class Api {
  constructor(token, onUnauthorized) {
    this.token = token;
    this.onUnauthorized = onUnauthorized;
    const { identity, service } = readToken(token);
    this.identity = identity;
    this.service = service;
  }

  /**
   * A path on this host; absolute URLs from `meta.next_page_url` are reduced to their path.
   * `form`: an object, or [name, value] pairs where a name repeats (MediaSid).
   */
  async request(method, path, form) {
    if (/^https?:/.test(path)) {
      const url = new URL(path);
      path = url.pathname + url.search;
    }
    const init = { method, headers: { 'X-Twilio-Token': this.token } };
    if (form) {
      init.body = new URLSearchParams(form);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    const body = text ? JSON.parse(text) : null;
    if (response.status === 401) this.onUnauthorized?.(body?.message);
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  get servicePath() { return `/v1/Services/${this.service}`; }

  userConversationsPath() { return `${this.servicePath}/Users/${encodeURIComponent(this.identity)}/Conversations`; }

  async userConversations() {
    const all = [];
    let page = `${this.userConversationsPath()}?PageSize=50`;
    while (page) {
      const body = await this.request('GET', page);
      all.push(...body.conversations);
      page = body.meta?.next_page_url;
    }
    return all;
  }

  userConversation(sid) { return this.request('GET', `${this.userConversationsPath()}/${sid}`); }

  markRead(sid, index) {
    return this.request('POST', `${this.userConversationsPath()}/${sid}`, { LastReadMessageIndex: String(index) });
  }

  conversation(sid) { return this.request('GET', `${this.servicePath}/Conversations/${sid}`); }

  messages(sid, pageSize = 30) {
    return this.request('GET', `${this.servicePath}/Conversations/${sid}/Messages?Order=desc&PageSize=${pageSize}`);
  }

  message(sid, messageSid) { return this.request('GET', `${this.servicePath}/Conversations/${sid}/Messages/${messageSid}`); }

  receipts(sid, messageSid) {
    return this.request('GET', `${this.servicePath}/Conversations/${sid}/Messages/${messageSid}/Receipts?PageSize=50`);
  }

  page(url) { return this.request('GET', url); }

  /** A message with a body, media uploaded before (MediaSid…), or both. */
  send(sid, body, mediaSids = []) {
    const form = mediaSids.map(m => ['MediaSid', m]);
    if (body) form.unshift(['Body', body]);
    return this.request('POST', `${this.servicePath}/Conversations/${sid}/Messages`, form);
  }

  /** One media item's record; its `links.content_direct_temporary` opens the content for an hour with no credentials. */
  media(mediaSid) { return this.request('GET', `${this.servicePath}/Media/${mediaSid}`); }

  deleteMedia(mediaSid) { return this.request('DELETE', `${this.servicePath}/Media/${mediaSid}`); }

  /**
   * Uploads one file to the Media Content Service as a multipart/form-data body (the browser
   * names the part with the file's name and type, which a header could not carry for every name).
   * XMLHttpRequest, not fetch: only it reports upload progress.
   * @returns {{ done: Promise<object>, abort: () => void }} `done` resolves with the media record
   */
  upload(file, onProgress) {
    const xhr = new XMLHttpRequest();
    const done = new Promise((resolve, reject) => {
      xhr.open('POST', `${this.servicePath}/Media`);
      xhr.setRequestHeader('X-Twilio-Token', this.token);
      xhr.upload.addEventListener('progress', e => {
        if (e.lengthComputable) onProgress?.(e.loaded / e.total);
      });
      xhr.addEventListener('load', () => {
        let body = null;
        try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { /* not JSON: the status says it */ }
        if (xhr.status === 401) this.onUnauthorized?.(body?.message);
        if (xhr.status >= 200 && xhr.status < 300) resolve(body);
        else reject(new ApiError(xhr.status, body));
      });
      // A server refusing a large body early may close the connection before the browser reads its answer.
      xhr.addEventListener('error', () => reject(new Error('The upload failed (the connection closed; the file may be too large).')));
      xhr.addEventListener('abort', () => reject(new DOMException('The upload was cancelled.', 'AbortError')));
      const form = new FormData();
      form.append('Media', file, file.name);
      xhr.send(form);
    });
    return { done, abort: () => xhr.abort() };
  }

  participants(sid) { return this.request('GET', `${this.servicePath}/Conversations/${sid}/Participants?PageSize=100`); }

  consent(sid, participantSid) {
    return this.request('GET', `/engine/v1/Services/${this.service}/Conversations/${sid}/Participants/${participantSid}/Consent`);
  }

  transfer(sid, to) {
    return this.request('POST', `/engine/v1/Services/${this.service}/Conversations/${sid}/Transfer`, { From: this.identity, To: to });
  }

  close(sid) { return this.request('POST', `${this.servicePath}/Conversations/${sid}`, { State: 'closed' }); }
}

/** The development sign-in: an Access Token for `identity`, paid for with the account's Basic credentials. */
export async function developmentToken(user, secret, identity, service) {
  const form = { Identity: identity };
  if (service) form.ChatServiceSid = service;
  const response = await fetch('/console/dev-token', {
    method: 'POST',
    headers: { Authorization: 'Basic ' + btoa(`${user}:${secret}`) },
    body: new URLSearchParams(form),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body.token;
}
