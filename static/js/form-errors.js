/* IFN Diary: a refused save is shown where the carer is looking.
 *
 * The server marks a refused form itself (templates/diary/_error_summary.html); when the API
 * refuses a save sent by diary.js, this puts the same marks on the page: the message by the
 * question (aria-invalid, aria-describedby) and a line in the summary at the top, which takes
 * focus. A field of the API ("temperature_c", "scores.fever") is named by the question as the
 * page shows it: its label or its group's legend, never the field's name. */
window.ifnFormErrors = (function () {
  "use strict";

  /* The question an API field belongs to on this form: the control to go to, the element the
   * message goes after, the question's words, and what to say (the field's own data-error,
   * else ``fallback``). */
  function question(form, field, fallback) {
    var score = /^scores\.(.+)$/.exec(field);
    if (score) {
      var set = form.querySelector('fieldset[data-code="' + score[1] + '"]');
      var legend = set ? set.querySelector("legend") : null;
      return legend ? { control: set, after: legend, label: legend.textContent.trim(), message: fallback } : null;
    }
    var control = form.elements[field];
    var label = control && control.id ? form.querySelector('label[for="' + control.id + '"]') : null;
    if (!label) return null;
    return { control: control, after: label, label: label.textContent.trim(), message: control.getAttribute("data-error") || fallback };
  }

  function markField(q) {
    var id = q.control.id + "-error";
    if (document.getElementById(id)) return;
    var p = document.createElement("p");
    p.className = "error";
    p.id = id;
    p.textContent = q.message;
    p.setAttribute("data-script-error", "");
    q.after.parentNode.insertBefore(p, q.after.nextSibling);
    var described = q.control.getAttribute("aria-describedby");
    q.control.setAttribute("data-described", described || "");
    q.control.setAttribute("aria-describedby", (described ? described + " " : "") + id);
    if (q.control.tagName !== "FIELDSET") q.control.setAttribute("aria-invalid", "true");
  }

  /* Show the API's ``errors`` ({field, detail}) on ``form``; false when the form has no
   * summary or nothing could be shown (the caller then says it another way). */
  function show(form, errors, fallback) {
    var summary = form.querySelector("#error-summary");
    if (!summary) return false;
    var list = summary.querySelector("ul");
    list.textContent = "";
    errors.forEach(function (e) {
      var q = e.field ? question(form, e.field, fallback) : null;
      var li = document.createElement("li");
      if (q) {
        markField(q);
        var link = document.createElement("a");
        link.href = "#" + q.control.id;
        link.textContent = q.label + ": " + q.message;
        li.appendChild(link);
      } else {
        li.textContent = e.detail;
      }
      list.appendChild(li);
    });
    if (!list.firstChild) return false;
    summary.hidden = false;
    summary.focus();
    return true;
  }

  /* Before the next save: take away the marks this script made. */
  function clear(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-script-error]"), function (p) { p.parentNode.removeChild(p); });
    Array.prototype.forEach.call(form.querySelectorAll("[data-described]"), function (control) {
      var described = control.getAttribute("data-described");
      if (described) control.setAttribute("aria-describedby", described); else control.removeAttribute("aria-describedby");
      control.removeAttribute("data-described");
      control.removeAttribute("aria-invalid");
    });
  }

  /* The summary's links take focus to the question itself (a score's first choice); a summary
   * the server drew takes focus when the page opens. */
  function wire(form) {
    var summary = form.querySelector("#error-summary");
    if (!summary) return;
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link ? document.getElementById(link.getAttribute("href").slice(1)) : null;
      if (!target) return;
      event.preventDefault();
      (target.tagName === "FIELDSET" ? target.querySelector("input") : target).focus();
    });
    if (!summary.hidden) summary.focus();
  }

  return { question: question, show: show, clear: clear, wire: wire };
}());
