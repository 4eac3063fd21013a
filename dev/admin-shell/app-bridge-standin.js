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
    config: { apiKey: script.getAttribute("data-api-key"), shop: shop, locale: params.get("locale") || "en" },
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
      toggle: function () { return Promise.resolve(); },
      leaveConfirmation: function () { return Promise.resolve(); },
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
          link.addEventListener("click", function (e) { e.preventDefault(); a.click(); setTimeout(render, 50); });
          bar.appendChild(link);
        });
      };
      render();
      new MutationObserver(render).observe(self, { subtree: true, childList: true, characterData: true });
      window.addEventListener("popstate", function () { setTimeout(render, 50); });
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
  defineElement("ui-save-bar", class extends HTMLElement {
    connectedCallback() { this.setAttribute("role", "region"); this.setAttribute("aria-label", "Unsaved changes"); }
  });
  defineElement("ui-modal", class extends HTMLElement {});

})();
