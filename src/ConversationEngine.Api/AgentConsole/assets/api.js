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

  /** A path on this host; absolute URLs from `meta.next_page_url` are reduced to their path. */
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

  send(sid, body) { return this.request('POST', `${this.servicePath}/Conversations/${sid}/Messages`, { Body: body }); }

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
