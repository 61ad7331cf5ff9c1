/* Progressive enhancement only: every page works without this file.
 * - counts the page view with navigator.sendBeacon (the event is in the
 *   page: "help" on the page the help button leads to, "outcome" on a step
 *   plan); no cookies, no storage, nothing leaves the site's own origin
 * - shows the print button on step plans (and opens closed <details> to print)
 * - fills the contact form's incident/node from ?incident=&node=
 * - sends the step plan's taps ("did this help", the reason after "Nee",
 *   "Ik ben") by beacon instead of the plain form, without a reload, and
 *   says thank you in a polite live region; only the event, never text
 * - on a sensitive plan (body[data-sensitive], no counters there): the
 *   "leave this page" link and the Esc key replace the page with the
 *   neutral one (location.replace, so Back does not return to the plan), and
 *   links followed inside the plan replace the page too, so the whole plan
 *   is one entry in the history */
(function () {
  'use strict';
  var body = document.body;
  function hit(path, event) {
    if (!navigator.sendBeacon || !path) return false;
    var data = new URLSearchParams();
    data.set('p', path);
    data.set('e', event);
    var via = new URLSearchParams(location.search).get('via');
    if (via) data.set('via', via);
    return navigator.sendBeacon('/api/hit', data);
  }
  hit(body.getAttribute('data-hit-path'), body.getAttribute('data-hit-event') || 'view');
  var exit = document.querySelector('a.quick-exit');
  if (exit && body.hasAttribute('data-sensitive')) {
    var leave = function (e) {
      if (e) e.preventDefault();
      body.style.visibility = 'hidden';
      document.title = '';
      location.replace(exit.href);
    };
    exit.addEventListener('click', leave);
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' || e.key === 'Esc') leave(e);
    });
    document.addEventListener('click', function (e) {
      var a = e.target.closest ? e.target.closest('a[href]') : null;
      if (!a || a === exit || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey ||
          e.shiftKey || e.altKey || a.target || a.origin !== location.origin ||
          (a.pathname === location.pathname && a.hash)) return;
      e.preventDefault();
      location.replace(a.href);
    });
  }
  var print = document.querySelector('button.print');
  if (print) {
    print.hidden = false;
    var hint = document.querySelector('.noprint-js');
    if (hint) hint.hidden = true;
    print.addEventListener('click', function () { window.print(); });
  }
  // print.css shows closed <details> through ::details-content; browsers
  // without it get them opened for the print and closed again afterwards
  var opened = [];
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details:not([open])').forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  var status = document.querySelector('.feedback-status');
  document.querySelectorAll('form.feedback').forEach(function (f) {
    f.addEventListener('submit', function (ev) {
      var b = ev.submitter, e = b && b.value;
      if (!e || !status || !hit(f.elements.p.value, e)) return;  // the plain form does it
      ev.preventDefault();
      f.querySelectorAll('button').forEach(function (x) { x.disabled = true; });
      b.setAttribute('aria-pressed', 'true');
      var kind = e === 'yes' || e === 'no' ? e : e.indexOf('no-') === 0 ? 'reason' : 'who';
      status.textContent = status.getAttribute('data-' + kind);
      if (e === 'no') {
        var why = document.getElementById('hhd-why');
        if (why) {
          why.classList.add('open');
          why.querySelector('button').focus();
        }
      }
    });
  });
  var form = document.querySelector('form.contact');
  if (form) {
    var q = new URLSearchParams(location.search);
    ['incident', 'node'].forEach(function (name) {
      var v = q.get(name), field = form.elements[name];
      if (v && field && !field.value && /^[a-z0-9-]{1,100}$/.test(v)) field.value = v;
    });
  }
})();
