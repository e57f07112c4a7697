// Small helpers shared by the hardware and cost sections: a form's fields as a state object
// (values as typed: the core judges them), their defaults as written in the HTML, and errors shown
// next to the field the core names.
import { short } from './format.js';

/** The value an element started with in the HTML: the pre-rendered default. */
export function defaultOf(el) {
  if (el.type === 'checkbox') return el.defaultChecked ? 'yes' : '';
  if (el.tagName === 'SELECT') return ([...el.options].find((o) => o.defaultSelected) ?? el.options[0])?.value ?? '';
  return el.defaultValue;
}

export function valueOf(el) {
  if (el.type === 'checkbox') return el.checked ? 'yes' : '';
  return el.tagName === 'SELECT' ? el.value : el.value.trim();
}

/**
 * Sets a field. A select takes its option whatever the case of the id (a link may say
 * DEEPSEEK-R1 or q4_k_m); a value it does not offer gets an option of its own, so the core can
 * name it.
 */
export function setValue(el, value) {
  const v = value ?? '';
  if (el.type === 'checkbox') {
    el.checked = v !== '' && v !== 'no' && v !== 'false';
  } else if (el.tagName === 'SELECT') {
    const options = [...el.options];
    const found = options.find((o) => o.value === v) ?? options.find((o) => o.value.toLowerCase() === v.toLowerCase());
    if (!found) el.add(new Option(`${short(v)} (not recognised)`, v));
    el.value = found ? found.value : v;
  } else {
    el.value = v;
  }
}

/** {key: element} -> {key: value}, and the defaults the same way. */
export const readFields = (fields) => Object.fromEntries(Object.entries(fields).map(([k, el]) => [k, valueOf(el)]));
export const fieldDefaults = (fields) => Object.fromEntries(Object.entries(fields).map(([k, el]) => [k, defaultOf(el)]));

/** Clears the messages and aria-invalid marks of these fields. */
export function clearFieldErrors(fields) {
  for (const el of Object.values(fields)) {
    el.removeAttribute('aria-invalid');
    const err = document.getElementById(`e-${el.id.replace(/^f-/, '')}`);
    if (err) err.textContent = '';
  }
}

/** Shows a message under a field (its error element is e-<id without f->) and marks it invalid. */
export function showFieldError(el, message) {
  el.setAttribute('aria-invalid', 'true');
  const err = document.getElementById(`e-${el.id.replace(/^f-/, '')}`);
  if (err) err.textContent = message;
}
