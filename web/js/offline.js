// Registers the service worker (dist/sw.js, written by scripts/pwa.mjs), says when the page will
// open without a network, and offers to reload when a new version has been downloaded. The new
// version takes over only when the reader accepts; every open tab then reloads, so no page keeps
// running old scripts against new files.
const el = document.getElementById('pwa');
let reloading = false;

function say(text) {
  if (!el) return;
  el.classList.remove('update');
  el.textContent = text;
}

function offerUpdate(worker) {
  if (!el) return;
  el.classList.add('update');
  const text = document.createElement('span');
  text.textContent = 'A new version of the calculator is ready. ';
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'pwa-reload';
  button.textContent = 'Reload to update';
  button.addEventListener('click', () => {
    button.disabled = true;
    worker.postMessage({ type: 'skip-waiting' });
  });
  el.replaceChildren(text, button);
}

async function register() {
  const sw = navigator.serviceWorker;
  const hadController = Boolean(sw.controller);
  sw.addEventListener('controllerchange', () => {
    // A first install leaves this page alone (it does not claim it); a change of controller
    // here means a new version took over, in this tab or another: load it whole.
    if (!hadController || reloading) return;
    reloading = true;
    location.reload();
  });
  let reg;
  try {
    reg = await sw.register('sw.js');
  } catch {
    return; // e.g. storage disabled: the page works as before, online only
  }
  if (!reg) return; // registration refused (e.g. by a test harness that blocks workers)
  const watch = (worker) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'installed' && sw.controller) offerUpdate(worker);
    });
  };
  if (reg.waiting && sw.controller) offerUpdate(reg.waiting);
  if (reg.installing) watch(reg.installing);
  reg.addEventListener('updatefound', () => watch(reg.installing));
  await sw.ready;
  if (!el?.classList.contains('update')) say('Ready to work offline: this page opens and computes without a network.');
  // A tab left open for days still hears of new versions.
  let checked = Date.now();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - checked > 60 * 60 * 1000) {
      checked = Date.now();
      reg.update().catch(() => {});
    }
  });
}

if ('serviceWorker' in navigator && window.isSecureContext) register();
