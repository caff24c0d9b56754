// Starts GOV.UK Frontend's components. Loaded as a module script, so browsers
// too old for GOV.UK Frontend skip it and every page still works as plain HTML.
import { initAll, isSupported } from "./govuk-frontend.min.js";

// The layout's inline script that marks the body as scripted is blocked by the
// service's Content Security Policy (script-src 'self'), so mark it here.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}

if (isSupported()) {
  initAll();
}
