/*
 * Retain loyalty widget: live data and redemption through the app proxy. No framework.
 * Readable source. The shipped file extensions/retain-loyalty/assets/retain-loyalty.js is its minified
 * build (`npx tsx dev/storefront-sim/build-widget.ts`): Shopify's CLI rejects source folders inside a
 * theme app extension, and theme check measures the raw asset size against the 10 KB budget.
 */
(() => {
  'use strict';
  // The app block and the app embed may both include this file; run once per page.
  if (window.RetainLoyalty) return;

  const RETRY_DELAYS = [600, 1800];
  const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]),select,textarea,[tabindex]:not([tabindex="-1"])';
  const loads = new Map();
  const panels = [];

  const h = (tag, attrs, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    el.append(...kids.filter(Boolean));
    return el;
  };

  const fill = (template, vars) =>
    String(template || '').replace(/\[(\w+)\]/g, (m, name) => (vars && vars[name] != null ? String(vars[name]) : m));

  const lang = () => document.documentElement.lang || navigator.language || 'en';

  const formatMoney = (amount, currency) => {
    try {
      return new Intl.NumberFormat(lang(), { style: 'currency', currency: currency || 'USD' }).format(Number(amount));
    } catch {
      return String(amount);
    }
  };

  const formatDate = (iso) => {
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00Z` : iso);
    if (Number.isNaN(d.getTime())) return String(iso);
    try {
      return new Intl.DateTimeFormat(lang(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
    } catch {
      return d.toISOString().slice(0, 10);
    }
  };

  const newRequestKey = () => {
    const c = window.crypto;
    if (c.randomUUID) return c.randomUUID();
    // RFC 4122 version 4 from getRandomValues, for browsers without randomUUID outside secure contexts.
    const b = c.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const hex = Array.from(b, (x) => (x + 256).toString(16).slice(1)).join('');
    return hex.replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  };

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // One GET per proxy prefix, shared by every panel on the page; a failure is not cached.
  const loadLoyalty = (proxy, fetchImpl = fetch) => {
    if (!loads.has(proxy)) {
      const p = fetchImpl(`${proxy}/loyalty`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then((res) => {
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          return res.json();
        })
        .then((data) => {
          if (!data || !data.program) throw new Error('Malformed loyalty response');
          return data;
        });
      p.catch(() => loads.delete(proxy));
      loads.set(proxy, p);
    }
    return loads.get(proxy);
  };

  // One POST, classified so callers know whether retrying with the same key is safe.
  const postRedeem = async (proxy, rewardId, requestKey, fetchImpl = fetch) => {
    let status = 0;
    let body = null;
    try {
      const res = await fetchImpl(`${proxy}/redeem`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ rewardId, requestKey }),
      });
      status = res.status;
      body = await res.json().catch(() => null);
    } catch {
      // Network failure: status stays 0.
    }
    if (status === 200 && body && body.ok === true && typeof body.code === 'string' && typeof body.balance === 'number') {
      return { ok: true, code: body.code, balance: body.balance, expiresAt: body.expiresAt || null };
    }
    const err = (body && body.ok === false && body.error) || {};
    const code = err.code || (status === 0 ? 'NETWORK' : `HTTP_${status}`);
    return {
      ok: false,
      code,
      message: typeof err.message === 'string' && err.message ? err.message : null,
      retryable: status === 0 || status === 429 || status >= 500 || code === 'TEMPORARY_FAILURE',
    };
  };

  // Automatic retries for transient failures; every attempt carries the same requestKey so the app can deduplicate.
  const redeemWithRetry = async (proxy, rewardId, requestKey, fetchImpl = fetch, delays = RETRY_DELAYS) => {
    for (let i = 0; ; i++) {
      const out = await postRedeem(proxy, rewardId, requestKey, fetchImpl);
      if (out.ok || !out.retryable || i >= delays.length) return out;
      await wait(delays[i]);
    }
  };

  class Panel {
    constructor(root) {
      this.root = root;
      this.proxy = (root.getAttribute('data-proxy') || '/apps/retain').replace(/\/+$/, '');
      this.loggedIn = root.getAttribute('data-logged-in') === 'true';
      this.activityCount = parseInt(root.getAttribute('data-activity-count'), 10) || 0;
      try {
        this.i18n = JSON.parse(this.q('[data-retain-i18n]').textContent);
      } catch {
        this.i18n = {};
      }
      // requestKey per reward, kept until the app answers definitively.
      this.keys = new Map();
      this.started = false;
      this.data = null;
    }

    q(sel) {
      return this.root.querySelector(sel);
    }

    t(key, vars) {
      return fill(this.i18n[key], vars);
    }

    start() {
      if (this.started) return;
      this.started = true;
      loadLoyalty(this.proxy).then(
        (data) => {
          this.data = data;
          this.render();
        },
        () => this.fail(this.t('load_error')),
      );
    }

    fail(message) {
      const list = this.q('[data-retain-rewards]');
      if (list) {
        list.removeAttribute('aria-busy');
        list.replaceChildren(h('li', { text: message }));
      }
      const activity = this.q('[data-retain-activity]');
      if (activity) {
        activity.removeAttribute('aria-busy');
        activity.replaceChildren();
      }
    }

    render() {
      const { program } = this.data;
      // Only trust customer data when Liquid also saw a signed-in customer: guests never see personal data.
      const customer = this.loggedIn ? this.data.customer : null;
      const earn = this.q('[data-retain-earn]');
      if (earn && program.earn) {
        earn.textContent = this.t('earn_rate', {
          points: program.earn.points,
          amount: formatMoney(program.earn.perAmount, program.currency),
        });
      }
      if (customer) this.renderCustomer(customer);
      if (!program.enabled) return this.fail(this.t('paused'));
      this.renderRewards(program.rewards || [], customer);
      if (customer) this.renderActivity(customer.activity || []);
    }

    renderCustomer(c) {
      const set = (sel, text) => {
        const el = this.q(sel);
        if (el) el.textContent = text;
      };
      set('[data-retain-balance]', String(c.balance));
      if (c.tier && c.tier.name) set('[data-retain-tier]', c.tier.name);
      const pct = c.nextTier ? Math.max(0, Math.min(100, Math.round(c.nextTier.progress * 100))) : c.tier ? 100 : 0;
      const bar = this.q('[data-retain-progress]');
      if (bar) {
        bar.setAttribute('aria-valuenow', String(pct));
        if (bar.firstElementChild) bar.firstElementChild.style.inlineSize = `${pct}%`;
      }
      set(
        '[data-retain-next-tier]',
        c.nextTier ? this.t('next_tier', { remaining: c.nextTier.remaining, tier: c.nextTier.name }) : c.tier ? this.t('top_tier') : '',
      );
      set('[data-retain-pending]', c.pending > 0 ? this.t('pending', { points: c.pending }) : '');
      set(
        '[data-retain-expiring]',
        c.expiring && c.expiring.points > 0 ? this.t('expiring', { points: c.expiring.points, date: formatDate(c.expiring.on) }) : '',
      );
    }

    renderRewards(rewards, customer) {
      const list = this.q('[data-retain-rewards]');
      if (!list) return;
      const balance = customer ? customer.balance : 0;
      const affordable = (r) => Boolean(customer) && r.cost <= balance;
      let items = rewards
        .filter((r) => r.enabled)
        .sort((a, b) => affordable(b) - affordable(a) || a.cost - b.cost)
        .map((r) => {
          let meta = this.t('cost', { cost: r.cost });
          let action = null;
          if (affordable(r)) {
            action = h('button', {
              type: 'button',
              class: 'retain-button',
              'data-testid': 'retain-redeem',
              'data-reward-id': r.id,
              'aria-label': this.t('redeem_label', { title: r.title, cost: r.cost }),
              text: this.t('redeem'),
              onclick: (ev) => this.redeem(r, ev.currentTarget),
            });
          } else if (customer) {
            meta += ` · ${this.t('need_more', { missing: r.cost - balance })}`;
          }
          return h(
            'li',
            { 'data-testid': 'retain-reward', 'data-reward-id': r.id },
            h('span', null, h('span', { class: 'retain-reward__title', text: r.title }), h('span', { class: 'retain-reward__meta', text: meta })),
            action,
          );
        });
      if (!items.length) items = [h('li', { text: this.t('no_rewards') })];
      list.replaceChildren(...items);
      list.removeAttribute('aria-busy');
    }

    renderActivity(activity) {
      const list = this.q('[data-retain-activity]');
      if (!list) return;
      let rows = activity.slice(0, this.activityCount).map((a) =>
        h(
          'li',
          null,
          h('span', null, h('span', { text: a.label }), h('span', { class: 'retain-reward__meta', text: formatDate(a.date) })),
          h('strong', { dir: 'ltr', text: `${a.points > 0 ? '+' : ''}${a.points}` }),
        ),
      );
      if (!rows.length) rows = [h('li', { text: this.t('no_activity') })];
      list.replaceChildren(...rows);
      list.removeAttribute('aria-busy');
    }

    announce(message) {
      const live = this.q('[data-retain-live]');
      if (!live) return;
      // Clear first so the same message twice in a row is announced again.
      live.textContent = '';
      setTimeout(() => {
        live.textContent = message;
      }, 50);
    }

    async redeem(reward, button) {
      if (button.disabled) return null;
      const error = this.q('[data-retain-error]');
      if (!this.keys.has(reward.id)) this.keys.set(reward.id, newRequestKey());
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      button.textContent = this.t('redeeming');
      if (error) error.textContent = '';
      const out = await redeemWithRetry(this.proxy, reward.id, this.keys.get(reward.id));
      button.disabled = false;
      button.removeAttribute('aria-busy');
      button.textContent = this.t('redeem');
      // A transient failure keeps the key, so the shopper's retry cannot redeem twice.
      if (!out.retryable) this.keys.delete(reward.id);
      if (!out.ok) {
        if (error) error.textContent = out.message || this.t(out.code === 'NETWORK' ? 'error_network' : 'error_generic');
        button.focus();
        return out;
      }
      this.showCode(out);
      this.announce(this.t('success', { balance: out.balance }));
      updateBalance(this.proxy, out.balance);
      return out;
    }

    showCode(out) {
      const box = this.q('[data-retain-result]');
      if (!box) return;
      const code = h('code', { 'data-testid': 'retain-code', text: out.code });
      const copy = h('button', {
        type: 'button',
        class: 'retain-button retain-button--ghost',
        'data-testid': 'retain-copy',
        text: this.t('copy'),
        onclick: () => copyText(out.code, code).then(() => this.announce(this.t('copied'))),
      });
      box.replaceChildren(
        h('p', { class: 'retain-muted', text: this.t('code_label') }),
        h('p', null, code, copy),
        out.expiresAt ? h('p', { class: 'retain-note', text: this.t('code_expires', { date: formatDate(out.expiresAt) }) }) : null,
      );
      copy.focus();
    }
  }

  const selectNode = (node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  };

  // Without clipboard permission the code is selected so the shopper can copy it by hand.
  const copyText = (text, node) =>
    navigator.clipboard && navigator.clipboard.writeText
      ? navigator.clipboard.writeText(text).catch(() => selectNode(node))
      : Promise.resolve(selectNode(node));

  // Every panel showing the same program gets the new balance and re-evaluated rewards.
  const updateBalance = (proxy, balance) => {
    for (const p of panels) {
      if (p.proxy !== proxy || !p.data || !p.data.customer) continue;
      p.data.customer.balance = balance;
      p.render();
    }
  };

  const panelFor = (root) => {
    let p = panels.find((x) => x.root === root);
    if (!p) {
      p = new Panel(root);
      panels.push(p);
    }
    return p;
  };

  const initLauncher = (wrap) => {
    const open = wrap.querySelector('[data-retain-open]');
    const dialog = wrap.querySelector('dialog');
    if (!open || !dialog || wrap.hasAttribute('data-retain-ready')) return;
    wrap.setAttribute('data-retain-ready', '');
    const panelRoot = dialog.querySelector('[data-retain-panel]');
    const panel = panelRoot ? panelFor(panelRoot) : null;

    const onClosed = () => {
      dialog.removeAttribute('open');
      open.setAttribute('aria-expanded', 'false');
      open.focus();
    };
    const close = () => {
      // The attribute, not the property, so the fallback for browsers without <dialog> works too.
      if (!dialog.hasAttribute('open')) return;
      if (dialog.close) dialog.close();
      else onClosed();
    };

    open.addEventListener('click', () => {
      if (dialog.showModal) dialog.showModal();
      else dialog.setAttribute('open', '');
      open.setAttribute('aria-expanded', 'true');
      if (panel) panel.start();
      const first = dialog.querySelector(FOCUSABLE);
      if (first) first.focus();
    });
    dialog.addEventListener('close', onClosed);
    // A click on the backdrop lands on the dialog element itself.
    dialog.addEventListener('click', (ev) => {
      if (ev.target === dialog) close();
    });
    const closeButton = dialog.querySelector('[data-retain-close]');
    if (closeButton) closeButton.addEventListener('click', close);
    dialog.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        close();
        return;
      }
      if (ev.key !== 'Tab') return;
      // Wrap Tab inside the dialog; a modal dialog alone still lets focus reach the browser chrome.
      const items = Array.from(dialog.querySelectorAll(FOCUSABLE)).filter((el) => el.getClientRects().length > 0);
      if (!items.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (ev.shiftKey && document.activeElement === first) {
        ev.preventDefault();
        last.focus();
      } else if (!ev.shiftKey && document.activeElement === last) {
        ev.preventDefault();
        first.focus();
      }
    });
  };

  const init = () => {
    for (const root of document.querySelectorAll('[data-retain-panel]')) {
      const p = panelFor(root);
      if (!root.hasAttribute('data-lazy')) p.start();
    }
    for (const wrap of document.querySelectorAll('[data-retain-launcher]')) initLauncher(wrap);
  };

  window.RetainLoyalty = { init, loadLoyalty, postRedeem, redeemWithRetry, newRequestKey, fill };

  // Works whether the theme loads this deferred (schema attribute) or not.
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
