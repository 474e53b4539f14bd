// reelgraph: keep very long chat messages from freezing the page or killing the connection.
//
// The server refuses messages over its text limit with a reply (ui/app.py), but a message
// larger than the socket's frame limit (16 MiB) never reaches it: the server drops the
// connection and the user gets no answer; and a browser that renders megabytes of text in the
// composer and the thread stalls long before that. So text longer than SEND_LIMIT_CHARS is
// replaced, in the composer and (for anything that bypasses it) in the outgoing frame, by a
// short notice that says how long it was. The server answers the notice like any too-long
// message, and the thread's history shows the notice instead of megabytes. Shorter messages
// are untouched.
(() => {
  const SEND_LIMIT_CHARS = 100000;
  // Must match ui/app.py's TOO_LONG_NOTICE.
  const notice = (chars) => `[reelgraph] message not sent: ${chars} characters`;

  const codePoints = (text) => {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) n++; // a low surrogate was counted with its pair
    }
    return n;
  };

  // The composer: swap an over-long value before the app (React) sees the input event.
  document.addEventListener(
    "input",
    (event) => {
      const el = event.target;
      if (!el || el.id !== "chat-input" || typeof el.value !== "string") return;
      if (el.value.length <= SEND_LIMIT_CHARS) return;
      const proto = Object.getPrototypeOf(el);
      const setter = Object.getOwnPropertyDescriptor(proto, "value").set;
      setter.call(el, notice(codePoints(el.value)));
    },
    true,
  );

  // The socket: a Socket.IO event frame is "42" + an optional ack id + [event, payload].
  const shrink = (frame) => {
    const m = /^42(\d*)(\[[\s\S]*\])$/.exec(frame);
    if (!m) return frame;
    let packet;
    try {
      packet = JSON.parse(m[2]);
    } catch (_) {
      return frame;
    }
    const step = packet[1] && packet[1].message;
    if (packet[0] !== "client_message" || !step || typeof step.output !== "string") {
      return frame;
    }
    if (step.output.length <= SEND_LIMIT_CHARS) return frame;
    step.output = notice(codePoints(step.output));
    return `42${m[1]}${JSON.stringify(packet)}`;
  };

  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (typeof data === "string" && data.length > SEND_LIMIT_CHARS) {
      data = shrink(data);
    }
    return send.call(this, data);
  };
})();

// reelgraph: the landing page says what the product is, under its logo, above the composer.
// Chainlit's welcome screen shows a logo, the composer and the starters; this adds the name and
// one sentence, and puts them back if React re-renders the screen.
(() => {
  const TAGLINE =
    "Turn a one-line brief into a video ad: reelgraph plans it, draws a storyboard, renders " +
    "the video and adds music, pausing after each step for your changes.";

  const addIntro = () => {
    const screen = document.getElementById("welcome-screen");
    if (!screen || document.getElementById("reelgraph-intro")) return;
    const intro = document.createElement("div");
    intro.id = "reelgraph-intro";
    intro.style.cssText = "text-align:center;max-width:40rem;margin:0 auto 0.5rem;";
    const name = document.createElement("h1");
    name.textContent = "reelgraph";
    name.style.cssText = "font-size:1.75rem;font-weight:700;margin-bottom:0.25rem;";
    const line = document.createElement("p");
    line.id = "reelgraph-tagline";
    line.textContent = TAGLINE;
    line.style.cssText = "opacity:0.8;";
    intro.append(name, line);
    const logo = screen.querySelector("img");
    if (logo && logo.parentElement === screen) logo.after(intro);
    else screen.prepend(intro);
  };

  new MutationObserver(addIntro).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();

// reelgraph: a reloaded or reopened thread keeps the chat session its buttons talk to.
//
// Chainlit's page (2.12) may open two sessions when it loads a thread: its connect() is
// debounced per render, so the call made before AutoResumeThread reset the session id (a
// fresh session, no thread) still fires, 200 ms before the call for the thread. Each first
// awaits a POST to /set-session-cookie, then opens its socket and closes the page's previous
// one. When the stale call's answer comes back last, its socket replaces the thread's: the page
// still shows the thread, but its buttons post with the thread's session id, whose socket is
// closed, so the run a click starts never shows (the "lost click"). The newest connect is the
// one the page means, so the answer to a superseded /set-session-cookie POST is never handed
// over: the stale connect stops there and opens no socket.
(() => {
  const fetch0 = window.fetch;
  let latest = 0;
  const never = () => new Promise(() => {});
  window.fetch = function (input, init) {
    const result = fetch0.call(this, input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (!url.includes("/set-session-cookie")) return result;
    const mine = ++latest;
    return result.then(
      (response) => (mine === latest ? response : never()),
      (error) => (mine === latest ? Promise.reject(error) : never()),
    );
  };
})();

// reelgraph: the line under the composer says something true of this studio.
// Chainlit's default ("LLMs can make mistakes. Check important info.") is noise here: the
// offline planner is no language model, and what a user needs to know is that runs go on.
(() => {
  const NOTE = "Runs keep going if you reload or close this page.";
  const retitle = () => {
    const line = document.querySelector(".watermark [role=article]");
    if (line && line.textContent !== NOTE) line.textContent = NOTE;
  };
  new MutationObserver(retitle).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
})();
