// Keyed entry of paper forms: one key per answer, focus moving on by itself.
// Progressive enhancement only: without this file every box is a plain text box and the
// Save button saves. The server checks every value again whatever happens here.
//
// Answer boxes carry data-keys (key -> meaning) and data-blank (the key for "left blank",
// empty when the answer is required). Typed boxes (form number, dates, codes) carry data-typed.
// Boxes filled in from the batch's defaults carry data-batch-default: focus moving on by
// itself goes past them (they stay in the Tab order, to change when a form says otherwise).

const form = document.querySelector("form[data-paper-entry]");

if (form) {
  const boxes = [...form.querySelectorAll("input[type=text], textarea")];
  const answerBoxes = boxes.filter((box) => box.dataset.keys !== undefined);
  const toKey = (list) => list.filter((box) => box.dataset.batchDefault === undefined);

  const keysOf = (box) => JSON.parse(box.dataset.keys);

  const said = (box) => document.getElementById(`${box.id}-said`);

  const group = (box) => box.closest(".nhsuk-form-group");

  const focusBox = (box) => {
    if (!box) return;
    box.focus();
    box.select?.();
  };

  const nextOf = (box, list = boxes) => list.find((other) => box.compareDocumentPosition(other) & Node.DOCUMENT_POSITION_FOLLOWING);

  const show = (box, meaning, problem) => {
    const out = said(box);
    if (out) out.textContent = problem || meaning || "";
    group(box).classList.toggle("nhsuk-form-group--error", Boolean(problem));
    box.classList.toggle("nhsuk-input--error", Boolean(problem));
    if (problem) box.setAttribute("aria-invalid", "true");
    else box.removeAttribute("aria-invalid");
  };

  const allowed = (box) => {
    const keys = keysOf(box);
    const listed = Object.entries(keys)
      .filter(([key]) => key !== "0")
      .map(([key, meaning]) => `${key} ${meaning}`);
    if (box.dataset.blank) listed.push(`${box.dataset.blank} left blank`);
    return listed.join(", ");
  };

  const meaningOf = (box, value) => {
    if (value === "") return "";
    if (value === box.dataset.blank) return "Left blank";
    return keysOf(box)[value];
  };

  for (const box of answerBoxes) {
    show(box, meaningOf(box, box.value.trim()), "");

    box.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) return;
      event.preventDefault();
      const keys = keysOf(box);
      const whole = box.selectionStart === 0 && box.selectionEnd === box.value.length;
      // A key continues the value only when it could make a longer key (10, 11 in long lists).
      const soFar = whole ? "" : box.value;
      const candidates = [soFar + event.key, event.key];
      const typed = candidates.find(
        (value) => value === box.dataset.blank || Object.keys(keys).some((key) => key.startsWith(value)),
      );
      if (typed === undefined) {
        show(box, "", `"${event.key}" is not an answer here. Type ${allowed(box)}.`);
        return;
      }
      box.value = typed;
      const complete = typed === box.dataset.blank || keys[typed] !== undefined;
      const longer = Object.keys(keys).some((key) => key !== typed && key.startsWith(typed));
      show(box, complete ? meaningOf(box, typed) : "", "");
      if (complete && !longer) focusBox(nextOf(box, toKey(boxes)));
    });

    box.addEventListener("input", () => {
      // Pasted or dictated text: check it as a whole.
      const value = box.value.trim();
      const known = value === "" || value === box.dataset.blank || keysOf(box)[value] !== undefined;
      show(box, meaningOf(box, value), known ? "" : `"${value}" is not an answer here. Type ${allowed(box)}.`);
    });
  }

  // Enter in a typed box (form number, date, code) goes on to the next answer box to key;
  // the browser's own Enter in an answer box submits the form.
  for (const box of boxes.filter((b) => b.dataset.typed !== undefined)) {
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      const next = nextOf(box, toKey(answerBoxes));
      if (!next) return;
      event.preventDefault();
      focusBox(next);
    });
  }

  // Chromium skips autofocus on some navigations (the same address loaded again): the form
  // number box gets focus anyway, so the next form can be keyed at once.
  const first = form.querySelector("[autofocus]");
  if (first && document.activeElement === document.body) first.focus();

  // Refuse to send a form with a box known to be wrong; the server would refuse it too.
  form.addEventListener("submit", (event) => {
    const wrong = answerBoxes.find((box) => box.getAttribute("aria-invalid") === "true");
    if (wrong) {
      event.preventDefault();
      focusBox(wrong);
    }
  });
}
