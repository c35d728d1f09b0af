// Shared by both classroom pages: strings, elements, the WebSocket. No framework, no CDN.
"use strict";

const Classroom = (() => {
  let strings = {};
  let languages = ["en"];
  let lang = "en";

  async function loadStrings(wanted) {
    const query = wanted ? `?lang=${encodeURIComponent(wanted)}` : "";
    const response = await fetch(`/strings.json${query}`);
    const data = await response.json();
    strings = data.strings;
    languages = data.languages;
    lang = data.lang;
    document.documentElement.lang = lang;
    return data;
  }

  // The string `key` with {name} placeholders filled from `vars`.
  function t(key, vars) {
    let text = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
    for (const [name, value] of Object.entries(vars || {})) {
      text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  }

  // Fill every element that has a data-i18n attribute with the string it names.
  function translate(root) {
    for (const node of (root || document).querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.dataset.i18n);
    }
  }

  // el("div", {class: "x", testid: "y"}, child, "text", ...): text always as text, never HTML.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "testid") node.dataset.testid = value;
      else if (name === "onclick") node.addEventListener("click", value);
      else if (name === "onchange") node.addEventListener("change", value);
      else if (name === "text") node.textContent = value;
      else if (value === true) node.setAttribute(name, "");
      else node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  function phaseName(phase) {
    return t(`phase_${phase}`);
  }

  // A WebSocket to this server that reconnects; `handlers.open` runs after each connect.
  function connect(handlers) {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const state = { socket: null, closedOnPurpose: false, delay: 500 };
    function open() {
      const socket = new WebSocket(`${scheme}://${location.host}/ws`);
      state.socket = socket;
      socket.addEventListener("open", () => {
        state.delay = 500;
        if (handlers.status) handlers.status(true);
        handlers.open(send);
      });
      socket.addEventListener("message", (event) => {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        handlers.message(message, send);
      });
      socket.addEventListener("close", () => {
        if (handlers.status) handlers.status(false);
        if (!state.closedOnPurpose) {
          setTimeout(open, state.delay);
          state.delay = Math.min(state.delay * 2, 5000);
        }
      });
    }
    function send(message) {
      if (state.socket && state.socket.readyState === WebSocket.OPEN) {
        state.socket.send(JSON.stringify(message));
        return true;
      }
      return false;
    }
    open();
    return { send, stop: () => { state.closedOnPurpose = true; state.socket.close(); } };
  }

  // A countdown shown in `node`, restarted by each update that carries seconds_left.
  function countdown(node, render) {
    let until = null;
    let timer = null;
    function tick() {
      const left = until === null ? null : Math.max(0, Math.ceil((until - Date.now()) / 1000));
      render(node, left);
    }
    return (secondsLeft, running) => {
      until = running && secondsLeft !== null ? Date.now() + secondsLeft * 1000 : null;
      if (timer === null) timer = setInterval(tick, 250);
      tick();
    };
  }

  function languageSwitch(select, current, onChange) {
    select.replaceChildren(...languages.map((code) => el("option", { value: code, text: code })));
    select.value = current;
    select.addEventListener("change", () => onChange(select.value));
  }

  return { loadStrings, t, translate, el, phaseName, connect, countdown, languageSwitch,
    get lang() { return lang; } };
})();
