// The live stream (/engine/v1/Stream): one WebSocket, resumed after any drop with the last
// sequence seen of each conversation, so nothing is missed and nothing repeats.

export class LiveStream {
  /**
   * @param {string} token the agent's Access Token (browsers cannot set headers on a WebSocket: query)
   * @param {(frame: object) => void} onFrame every frame but pong
   * @param {(state: 'connecting'|'online'|'offline') => void} onState
   */
  constructor(token, onFrame, onState) {
    this.token = token;
    this.onFrame = onFrame;
    this.onState = onState;
    this.positions = {};
    this.attempt = 0;
    this.stopped = false;
    this.socket = null;
    this.timer = null;
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000);
    this.socket = null;
  }

  send(frame) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  forget(conversationSid) { delete this.positions[conversationSid]; }

  connect() {
    this.onState('connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/engine/v1/Stream?access_token=${encodeURIComponent(this.token)}`);
    this.socket = socket;
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'hello', positions: this.positions }));
    });
    socket.addEventListener('message', e => {
      let frame;
      try { frame = JSON.parse(e.data); } catch { return; }
      switch (frame.type) {
        case 'ready':
          this.attempt = 0;
          // Every conversation followed, and the sequence it is streamed after.
          this.positions = { ...frame.conversations };
          this.onState('online');
          break;
        case 'event':
          if (frame.sequence > (this.positions[frame.conversation_sid] ?? -1)) {
            this.positions[frame.conversation_sid] = frame.sequence;
          } else {
            return; // already seen (never expected: the engine does not repeat)
          }
          break;
        case 'joined':
          this.positions[frame.conversation_sid] = frame.sequence;
          break;
        case 'left':
          delete this.positions[frame.conversation_sid];
          break;
        case 'pong':
          return;
        default:
          break;
      }
      this.onFrame(frame);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      this.onState('offline');
      // resync (close 4008) and drops alike: again with the positions seen, backing off to 10 s.
      const delay = Math.min(10000, 250 * 2 ** this.attempt++);
      this.timer = setTimeout(() => this.connect(), delay);
    });
  }
}
