// Keyed entry of paper forms: one key per answer, focus moving on by itself.
// Progressive enhancement only: without this file every box is a plain text box and the
// Save button saves. The server checks every value again whatever happens here.
//
// Answer boxes carry data-keys ([key, meaning] pairs, in the paper's order), data-width (how
// many keys every answer of the box takes: 1, or 2 for a list of ten or more answers, keyed
// 01, 02 ...) and data-blank (the key for "left blank", empty when the answer is required).
// Typed boxes (form number, dates, codes) carry data-typed. Boxes filled in from the batch's
// defaults carry data-batch-default: focus moving on by itself goes past them (they stay in
// the Tab order, to change when a form says otherwise).
//
// Every key of a box has the same length, so no key waits to see whether another follows: a
// two-digit box always takes two keys, and says so after the first. Focus never moves on
// before a box holds a whole answer, so a key meant for the next question cannot end up here.
//
// Who is asked what: the role box carries data-role-codes ([key, role]), service boxes
// data-service-codes ([key, sector]); a question asked only of some roles or about some
// sectors carries data-for-roles or data-for-sectors. A question this respondent is not asked
// is disabled (so it is skipped by focus and by Tab, and not sent), as the server refuses an
// answer there (codebook.not_asked).

const form = document.querySelector("form[data-paper-entry]");

if (form) {
  const boxes = [...form.querySelectorAll("input[type=text], textarea")];
  const answerBoxes = boxes.filter((box) => box.dataset.keys !== undefined);
  const toKey = (list) => list.filter((box) => box.dataset.batchDefault === undefined && !box.disabled);

  const keysOf = (box) => new Map(JSON.parse(box.dataset.keys));
  const widthOf = (box) => Number(box.dataset.width || 1);

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
    const keys = [...keysOf(box)].filter(([key]) => key !== "0");
    const blank = box.dataset.blank ? `, or ${box.dataset.blank} to leave it blank` : "";
    if (widthOf(box) > 1) {
      const [first, label] = keys[0];
      const last = keys[keys.length - 1][0];
      return `both digits of a key from ${first} to ${last}, like ${first} for ${label}${blank}`;
    }
    const listed = keys.map(([key, meaning]) => `${key} ${meaning}`);
    if (box.dataset.blank) listed.push(`${box.dataset.blank} left blank`);
    return listed.join(", ");
  };

  const meaningOf = (box, value) => {
    if (value === "") return "";
    if (value === box.dataset.blank) return "Left blank";
    return keysOf(box).get(value);
  };

  const complete = (box, value) => value === box.dataset.blank || keysOf(box).has(value);

  // --- who is asked what ---------------------------------------------------------------
  const codeIn = (box, attribute) => {
    const value = box.value.trim();
    const pairs = JSON.parse(box.dataset[attribute]);
    const found = pairs.find(([key]) => key === value);
    if (found) return found[1];
    // A survey's only service is the one a blank box means (codebook.sectors_of).
    return value === "" && attribute === "serviceCodes" && pairs.length === 1 ? pairs[0][1] : undefined;
  };
  const roleBox = answerBoxes.find((box) => box.dataset.roleCodes !== undefined);
  const serviceBoxes = answerBoxes.filter((box) => box.dataset.serviceCodes !== undefined);
  const limited = boxes.filter((box) => box.dataset.forRoles !== undefined || box.dataset.forSectors !== undefined);

  const applyWhoIsAsked = () => {
    const role = roleBox ? codeIn(roleBox, "roleCodes") : undefined;
    const sectors = new Set(serviceBoxes.map((box) => codeIn(box, "serviceCodes")).filter(Boolean));
    for (const box of limited) {
      const roles = box.dataset.forRoles?.split(" ");
      const needs = box.dataset.forSectors?.split(" ");
      const roleOk = !roles || role === undefined || roles.includes(role);
      const sectorOk = !needs || needs.some((sector) => sectors.has(sector));
      box.disabled = !(roleOk && sectorOk);
    }
  };

  const changed = (box) => {
    if (box === roleBox || serviceBoxes.includes(box)) applyWhoIsAsked();
  };

  const halfKeyed = (box, value) =>
    value.length < widthOf(box) && /^[0-9]+$/.test(value) && [...keysOf(box).keys()].some((key) => key.startsWith(value));

  // --- keys ----------------------------------------------------------------------------
  for (const box of answerBoxes) {
    const value = box.value.trim();
    const meaning = meaningOf(box, value);
    if (meaning !== undefined) show(box, meaning, "");

    box.addEventListener("keydown", (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) return;
      event.preventDefault();
      const keys = keysOf(box);
      const whole = box.selectionStart === 0 && box.selectionEnd === box.value.length;
      // A key continues the box only while it holds part of a key (the first of two digits).
      const soFar = whole || complete(box, box.value) ? "" : box.value;
      const typed = soFar + event.key;
      const starts = typed === box.dataset.blank || [...keys.keys()].some((key) => key.startsWith(typed));
      if (!starts) {
        if (soFar) box.value = ""; // half a key: both digits are typed again
        show(box, "", `"${typed}" is not an answer here. Type ${allowed(box)}.`);
        changed(box);
        return;
      }
      box.value = typed;
      if (!complete(box, typed)) {
        show(box, `${typed}_ : type the second digit`, "");
        return;
      }
      show(box, meaningOf(box, typed), "");
      changed(box);
      focusBox(nextOf(box, toKey(boxes)));
    });

    box.addEventListener("input", () => {
      // Pasted or dictated text: check it as a whole.
      const value = box.value.trim();
      const known = value === "" || complete(box, value);
      show(box, meaningOf(box, value), known ? "" : `"${value}" is not an answer here. Type ${allowed(box)}.`);
      changed(box);
    });
  }

  applyWhoIsAsked();

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

  // Refuse to send a form with a box known to be wrong or half keyed (one digit of two);
  // the server would refuse it too.
  form.addEventListener("submit", (event) => {
    for (const box of answerBoxes) {
      const value = box.value.trim();
      if (!box.disabled && halfKeyed(box, value)) {
        show(box, "", `"${value}" is not a whole answer. Type ${allowed(box)}.`);
      }
    }
    const wrong = answerBoxes.find((box) => !box.disabled && box.getAttribute("aria-invalid") === "true");
    if (wrong) {
      event.preventDefault();
      focusBox(wrong);
    }
  });
}
