// A local stand-in for Shopify's App Bridge script (cdn.shopify.com is
// unreachable offline). It implements what Retain's admin pages use:
// session tokens on fetch, the session-token bounce page, toasts, the
// navigation menu, the title bar and the contextual save bar.
// Development and tests only — production loads the real App Bridge.
(function () {
  var script = document.currentScript;
  var shellOrigin = new URL(script.src).origin;
  var params = new URLSearchParams(location.search);
  var shop = params.get("shop") || sessionStorage.getItem("retain-shop") || "";
  if (shop) sessionStorage.setItem("retain-shop", shop);
  var cached = null;

  function idToken() {
    if (cached && cached.exp > Date.now() + 5000) return Promise.resolve(cached.token);
    return fetch(shellOrigin + "/session-token?shop=" + encodeURIComponent(shop))
      .then(function (r) { return r.json(); })
      .then(function (body) { cached = { token: body.token, exp: Date.now() + 50000 }; return body.token; });
  }

  // Bounce page: come back with a fresh id_token, as App Bridge does.
  var reload = params.get("shopify-reload");
  if (reload) {
    idToken().then(function (token) {
      var target = new URL(reload, location.href);
      target.searchParams.set("id_token", token);
      location.replace(target.toString());
    });
  }

  var originalFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url = new URL(typeof input === "string" ? input : input.url, location.href);
    if (url.origin !== location.origin) return originalFetch(input, init);
    return idToken().then(function (token) {
      var headers = new Headers((init && init.headers) || (typeof input !== "string" && input.headers) || undefined);
      headers.set("Authorization", "Bearer " + token);
      return originalFetch(input, Object.assign({}, init, { headers: headers })).then(function (res) {
        if (res.status === 401 && res.headers.get("X-Shopify-Retry-Invalid-Session-Request")) {
          cached = null;
          return idToken().then(function (t) {
            headers.set("Authorization", "Bearer " + t);
            return originalFetch(input, Object.assign({}, init, { headers: headers }));
          });
        }
        return res;
      });
    });
  };

  // The admin's chrome speaks the merchant's language; the stand-in knows English and Arabic.
  var WORDS = {
    en: { unsaved: "Unsaved changes", save: "Save", discard: "Discard", confirmDiscard: "Discard all unsaved changes?", discardConfirm: "Discard changes", keepEditing: "Continue editing" },
    ar: { unsaved: "تغييرات غير محفوظة", save: "حفظ", discard: "تجاهل", confirmDiscard: "هل تريد تجاهل كل التغييرات غير المحفوظة؟", discardConfirm: "تجاهل التغييرات", keepEditing: "متابعة التعديل" },
  };
  var locale = (params.get("locale") || sessionStorage.getItem("retain-locale") || "en").split(/[-_]/)[0];
  sessionStorage.setItem("retain-locale", locale);
  function words() { return WORDS[locale] || WORDS.en; }
  var BAR_STYLE = "position:sticky;top:0;z-index:999;display:flex;gap:8px;align-items:center;padding:10px 16px;background:#1a1a1a;color:#fff;font:600 14px system-ui";

  function toastRegion() {
    var el = document.getElementById("retain-sim-toasts");
    if (!el) {
      el = document.createElement("div");
      el.id = "retain-sim-toasts";
      el.setAttribute("role", "status");
      el.setAttribute("aria-live", "polite");
      el.style.cssText = "position:fixed;bottom:16px;left:50%;transform:translateX(-50%);z-index:1000;display:flex;flex-direction:column;gap:8px";
      document.body.appendChild(el);
    }
    return el;
  }

  window.shopify = {
    config: { apiKey: script.getAttribute("data-api-key"), shop: shop, locale: locale },
    idToken: idToken,
    environment: { embedded: true, mobile: false, pos: false },
    toast: {
      show: function (message, opts) {
        var div = document.createElement("div");
        div.textContent = message;
        div.setAttribute("data-testid", "toast");
        div.style.cssText = "background:" + (opts && opts.isError ? "#8e1f0b" : "#1a1a1a") + ";color:#fff;padding:10px 16px;border-radius:8px;font:14px system-ui";
        toastRegion().appendChild(div);
        setTimeout(function () { div.remove(); }, (opts && opts.duration) || 5000);
        return "toast-" + Date.now();
      },
      hide: function () {},
    },
    loading: function () {},
    saveBar: {
      show: function (id) { var el = document.getElementById(id); if (el) el.setAttribute("data-visible", "true"); return Promise.resolve(); },
      hide: function (id) { var el = document.getElementById(id); if (el) el.removeAttribute("data-visible"); return Promise.resolve(); },
      toggle: function (id) { var el = document.getElementById(id); if (el) el.toggleAttribute("data-visible"); return Promise.resolve(); },
      // Resolves when nothing is unsaved; otherwise the merchant must save or discard first, as in the admin.
      leaveConfirmation: function () { return dirtyForm ? Promise.reject(new Error("unsaved changes")) : Promise.resolve(); },
    },
    modal: { show: function () { return Promise.resolve(); }, hide: function () { return Promise.resolve(); }, toggle: function () { return Promise.resolve(); } },
    app: { extensions: function () { return Promise.resolve([]); } },
  };

  // Keep the embedded-app query (shop, host, locale…) on client-side
  // navigation, as the admin does, so a reload stays authenticated.
  var keep = ["shop", "host", "embedded", "locale"];
  var pushState = history.pushState.bind(history);
  history.pushState = function (state, title, url) {
    if (url != null) {
      var next = new URL(String(url), location.href);
      keep.forEach(function (k) { var v = params.get(k); if (v && !next.searchParams.has(k)) next.searchParams.set(k, v); });
      url = next.pathname + next.search + next.hash;
    }
    return pushState(state, title, url);
  };

  // <ui-nav-menu>: in Shopify the links render in the admin's sidebar. Here
  // the page has no admin around it, so draw them as a bar at the top.
  function defineElement(name, cls) { if (!customElements.get(name)) customElements.define(name, cls); }
  function navBar() {
    var bar = document.getElementById("retain-sim-nav");
    if (!bar) {
      bar = document.createElement("nav");
      bar.id = "retain-sim-nav";
      bar.setAttribute("aria-label", "Retain");
      bar.style.cssText = "display:flex;flex-wrap:wrap;gap:4px;align-items:center;padding:8px 16px;background:#1a1a1a;font:500 14px system-ui";
      document.body.insertBefore(bar, document.body.firstChild);
    }
    return bar;
  }
  defineElement("ui-nav-menu", class extends HTMLElement {
    connectedCallback() {
      var self = this;
      self.style.display = "none";
      var render = function () {
        var bar = navBar();
        bar.textContent = "";
        Array.prototype.forEach.call(self.querySelectorAll("a"), function (a) {
          var link = document.createElement("a");
          link.href = a.getAttribute("href");
          link.textContent = a.textContent;
          var here = location.pathname === a.getAttribute("href");
          if (here) link.setAttribute("aria-current", "page");
          link.style.cssText = "color:#fff;text-decoration:none;padding:6px 10px;border-radius:6px;" + (here ? "background:#3d3d3d" : "");
          link.addEventListener("click", function (e) { e.preventDefault(); a.click(); });
          bar.appendChild(link);
        });
      };
      render();
      new MutationObserver(render).observe(self, { subtree: true, childList: true, characterData: true });
      window.addEventListener("popstate", function () { setTimeout(render, 50); });
      // Mark the current page once the app has navigated, not when the link was clicked.
      window.addEventListener("retain:navigate", render);
    }
  });
  defineElement("ui-title-bar", class extends HTMLElement {
    connectedCallback() {
      this.style.display = "none";
      document.title = this.getAttribute("title") || document.title;
    }
    static get observedAttributes() { return ["title"]; }
    attributeChangedCallback() {
      document.title = this.getAttribute("title") || document.title;
    }
  });
  // <ui-save-bar id=…>: hidden until shopify.saveBar.show(id); then its
  // buttons show in a bar pinned to the top, where the admin draws it.
  defineElement("ui-save-bar", class extends HTMLElement {
    static get observedAttributes() { return ["data-visible"]; }
    connectedCallback() {
      this.setAttribute("role", "region");
      this.setAttribute("aria-label", words().unsaved);
      this.attributeChangedCallback();
    }
    attributeChangedCallback() {
      this.style.cssText = this.hasAttribute("data-visible") ? BAR_STYLE : "display:none";
    }
  });
  defineElement("ui-modal", class extends HTMLElement {});

  // <form data-save-bar>: as in the admin, editing any field shows the save
  // bar; Save submits the form (the page's own onSubmit runs), Discard resets
  // it, after a confirmation when the form has data-discard-confirmation.
  var dirtyForm = null;
  function formBar() {
    var bar = document.getElementById("retain-sim-save-bar");
    if (bar) return bar;
    var w = words();
    bar = document.createElement("div");
    bar.id = "retain-sim-save-bar";
    bar.setAttribute("role", "region");
    bar.setAttribute("aria-label", w.unsaved);
    bar.style.cssText = "display:none";
    var text = document.createElement("span");
    text.style.cssText = "flex:1";
    var discard = button(w.discard, false);
    var save = button(w.save, true);
    var mode = "edit";
    function setMode(next) {
      mode = next;
      text.textContent = next === "confirm" ? w.confirmDiscard : w.unsaved;
      discard.textContent = next === "confirm" ? w.keepEditing : w.discard;
      save.textContent = next === "confirm" ? w.discardConfirm : w.save;
    }
    discard.addEventListener("click", function () {
      if (mode === "confirm") return setMode("edit");
      if (dirtyForm && dirtyForm.hasAttribute("data-discard-confirmation")) return setMode("confirm");
      resetDirty();
    });
    save.addEventListener("click", function () {
      if (mode === "confirm") { setMode("edit"); return resetDirty(); }
      var form = dirtyForm;
      hideFormBar();
      if (form) form.requestSubmit();
    });
    bar.appendChild(text);
    bar.appendChild(discard);
    bar.appendChild(save);
    bar.setMode = setMode;
    document.body.insertBefore(bar, document.body.firstChild);
    return bar;
  }
  function button(label, primary) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.style.cssText = "font:600 13px system-ui;padding:6px 12px;border-radius:8px;cursor:pointer;border:1px solid #8a8a8a;" +
      (primary ? "background:#fff;color:#1a1a1a" : "background:#303030;color:#fff");
    return b;
  }
  function resetDirty() {
    var form = dirtyForm;
    hideFormBar();
    if (form) form.reset();
  }
  function showFormBar(form) {
    dirtyForm = form;
    var bar = formBar();
    bar.setMode("edit");
    bar.style.cssText = BAR_STYLE;
  }
  function hideFormBar() {
    dirtyForm = null;
    var bar = document.getElementById("retain-sim-save-bar");
    if (bar) bar.style.cssText = "display:none";
  }
  function trackEdit(e) {
    var form = e.target && e.target.closest ? e.target.closest("form[data-save-bar]") : null;
    if (form && e.isTrusted) showFormBar(form);
  }
  document.addEventListener("input", trackEdit, true);
  document.addEventListener("change", trackEdit, true);
  document.addEventListener("submit", function (e) { if (e.target === dirtyForm) hideFormBar(); }, true);
  // A client-side navigation to another page drops the bar with the form.
  window.addEventListener("popstate", hideFormBar);
  var pushed = history.pushState;
  history.pushState = function (state, title, url) {
    var before = location.pathname;
    var out = pushed.call(history, state, title, url);
    if (location.pathname !== before) hideFormBar();
    window.dispatchEvent(new Event("retain:navigate"));
    return out;
  };
})();
