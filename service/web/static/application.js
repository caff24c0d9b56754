// Starts GOV.UK Frontend's components. Loaded as a module script, so browsers
// too old for GOV.UK Frontend skip it and every page still works as plain HTML.
// The build writes GOV.UK Frontend's fingerprinted name here, so browsers keep both scripts.
import { initAll, isSupported } from "./govuk-frontend.min.8982af0b18.js";

// The layout's inline script that marks the body as scripted is blocked by the
// service's Content Security Policy (script-src 'self'), so mark it here.
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}

if (isSupported()) {
  initAll();
}

// The idle warning appears without JavaScript (see /session/timing.css). With it, "Stay
// signed in" keeps the page as it is, with anything typed into it, and the page clears
// itself when the session has ended, as the <noscript> refresh does without JavaScript.
const idleWarning = document.querySelector(".cpc-idle-warning");
if (idleWarning) {
  const idleSeconds = Number(idleWarning.dataset.idleSeconds);
  const endsAfter = Number(idleWarning.dataset.endsAfter);
  let clearPage = setTimeout(() => window.location.assign("/sign-in?ended=idle"), (endsAfter + 5) * 1000);
  const form = idleWarning.querySelector("form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = new FormData(form);
    body.append("stay_on_page", "1");
    const response = await fetch(form.action, { method: "POST", body });
    if (response.status !== 204) {
      window.location.assign("/sign-in?ended=idle");
      return;
    }
    // Start the warning's clock again: hide it, then let the same delay run from now.
    idleWarning.style.animation = "none";
    void idleWarning.offsetHeight;
    idleWarning.style.animation = "";
    clearTimeout(clearPage);
    // Staying just now was the session's latest use: it ends a full idle period from now.
    clearPage = setTimeout(() => window.location.assign("/sign-in?ended=idle"), (idleSeconds + 5) * 1000);
  });
}
