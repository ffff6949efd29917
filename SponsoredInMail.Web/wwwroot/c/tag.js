/* SponsoredInMail conversion tag. Put it on every page of your site; call simTag('convert', '<tag key>') where a
   conversion happens. It keeps the click id of a tracked click (the simclid parameter of the landing URL) in a
   first-party cookie on your own domain for 90 days and sends it with each conversion. No other data is collected. */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script && script.src ? new URL(script.src).origin : '';
  var NAME = '_simclid', DAYS = 90, VALID = /^[A-Za-z0-9_-]{20,64}$/;

  function keep(clickId) {
    document.cookie = NAME + '=' + clickId + '; Max-Age=' + (DAYS * 86400) + '; Path=/; SameSite=Lax' +
      (location.protocol === 'https:' ? '; Secure' : '');
    try { localStorage.setItem(NAME, clickId); } catch (e) { /* storage may be off */ }
  }

  function clickId() {
    var fromUrl = new URLSearchParams(location.search).get('simclid');
    if (fromUrl && VALID.test(fromUrl)) {
      keep(fromUrl);
      return fromUrl;
    }
    var cookie = document.cookie.match(/(?:^|;\s*)_simclid=([A-Za-z0-9_-]+)/);
    if (cookie) {
      return cookie[1];
    }
    try { return localStorage.getItem(NAME); } catch (e) { return null; }
  }

  var current = clickId();

  function convert(tagKey, options) {
    options = options || {};
    var body = JSON.stringify({
      conversion: String(tagKey),
      clickId: current || null,
      eventId: options.eventId == null ? null : String(options.eventId),
      valueCents: typeof options.valueCents === 'number' ? Math.round(options.valueCents) : null
    });
    var url = base + '/c/events';
    if (navigator.sendBeacon && navigator.sendBeacon(url, new Blob([body], { type: 'text/plain' }))) {
      return;
    }
    fetch(url, { method: 'POST', mode: 'no-cors', keepalive: true, headers: { 'Content-Type': 'text/plain' }, body: body });
  }

  var queued = (window.simTag && window.simTag.q) || [];
  window.simTag = function (command, tagKey, options) {
    if (command === 'convert') {
      convert(tagKey, options);
    }
  };
  window.simTag.q = [];
  for (var i = 0; i < queued.length; i++) {
    window.simTag.apply(null, queued[i]);
  }
})();
