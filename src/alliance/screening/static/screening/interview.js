// The guided interview: one section at a time with Back, Next and a progress indicator; skip logic; the
// urgent way out; the finished screening handed to offline.js.
//
// Without this script every section shows and the form posts to the server (screening:submit). With it the
// form is never posted: the payload (the API's, see the brief) is built here and dispatched on document as
//   "screening:finished" {detail: {payload}}
// offline.js stores it, sends it or keeps it, and answers with "screening:stored" (go to the result),
// "screening:queued" (offline: a provisional result from scoring.js) or "screening:refused" (errors shown).
(function () {
  "use strict";

  const form = document.querySelector("form[data-interview]");
  const contextNode = document.getElementById("screening-context");
  if (!form || !contextNode) {
    return;
  }
  const context = JSON.parse(contextNode.textContent);
  const text = context.text || {};
  const CHILD_GROUPS = ["0-11", "12-17"];
  const ADULT_GROUPS = ["18-24", "25-34", "35-49", "50+"];
  const steps = Array.from(form.querySelectorAll("[data-step]"));
  const field = (name) => form.elements.namedItem(name);
  const el = {
    age: field("age"),
    group: field("age_group"),
    child: field("is_child"),
    sex: field("sex"),
    citizenship: field("citizenship"),
    back: form.querySelector("[data-back]"),
    next: form.querySelector("[data-next]"),
    progress: form.querySelector("[data-progress]"),
    progressText: form.querySelector("[data-progress-text]"),
    progressBar: form.querySelector("[data-progress-bar]"),
    result: document.querySelector("[data-interview-result]"),
  };
  let currentStep = steps[0];
  let sent = null; // the payload handed to offline.js, until it answers
  let childTickedByAge = false;
  let groupSetByAge = false;

  // The screening's id is chosen here, when the interview starts: a resent screening is stored once.
  const clientUuid = newUuid();
  const startedAt = isoWithOffset(new Date());
  field("client_uuid").value = clientUuid;
  field("started_at").value = startedAt;

  function newUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  function isoWithOffset(date) {
    const pad = (n, width) => String(Math.abs(n)).padStart(width || 2, "0");
    const offset = -date.getTimezoneOffset();
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      "." + pad(date.getMilliseconds(), 3) + (offset >= 0 ? "+" : "-") +
      pad(Math.floor(Math.abs(offset) / 60)) + ":" + pad(Math.abs(offset) % 60);
  }

  function ageGroupOf(age) {
    const groups = [[11, "0-11"], [17, "12-17"], [24, "18-24"], [34, "25-34"], [49, "35-49"]];
    for (const [upper, group] of groups) {
      if (age <= upper) {
        return group;
      }
    }
    return "50+";
  }

  // The age as a whole number, null when not given, undefined when not a valid age.
  function ageValue() {
    if (el.age.validity.badInput) {
      return undefined;
    }
    const raw = el.age.value.trim();
    if (raw === "") {
      return null;
    }
    const age = Number(raw);
    return Number.isInteger(age) && age >= 0 && age <= 120 ? age : undefined;
  }

  function person() {
    const age = ageValue();
    const known = typeof age === "number";
    const group = known ? ageGroupOf(age) : el.group.value || "unknown";
    const isChild = el.child.checked || (known && age < 18) || CHILD_GROUPS.includes(group);
    const work = form.querySelector('input[name="work_type"]:checked');
    return { age: known ? age : null, group: group, isChild: isChild, workType: work ? work.value : null };
  }

  // The age decides the age group, and under 18 the person is a child (the box cannot be unticked).
  function syncPerson() {
    const age = ageValue();
    if (typeof age === "number") {
      el.group.value = ageGroupOf(age);
      el.group.disabled = true;
      groupSetByAge = true;
    } else {
      el.group.disabled = false;
      if (groupSetByAge) {
        el.group.value = "unknown";
        groupSetByAge = false;
      }
    }
    const mustBeChild = (typeof age === "number" && age < 18) || CHILD_GROUPS.includes(el.group.value);
    if (mustBeChild) {
      if (!el.child.checked) {
        el.child.checked = true;
        childTickedByAge = true;
      }
      el.child.disabled = true;
    } else {
      el.child.disabled = false;
      if (childTickedByAge) {
        el.child.checked = false;
        childTickedByAge = false;
      }
    }
  }

  function shown(step, p) {
    const when = step.getAttribute("data-shown-when");
    if (when === "worked") {
      return p.workType !== "none";
    }
    if (when === "child") {
      return p.isChild;
    }
    return true;
  }

  function visibleSteps() {
    const p = person();
    return steps.filter((step) => shown(step, p));
  }

  function show(step, focus) {
    const visible = visibleSteps();
    let index = visible.indexOf(step);
    if (index < 0) {
      index = 0;
    }
    currentStep = visible[index];
    for (const each of steps) {
      each.hidden = each !== currentStep;
    }
    el.back.hidden = index === 0;
    el.next.hidden = index === visible.length - 1;
    const heading = currentStep.querySelector("h2");
    el.progressText.textContent = (text.step || "%(current)s / %(total)s")
      .replace("%(current)s", String(index + 1))
      .replace("%(total)s", String(visible.length))
      .replace("%(title)s", heading ? heading.textContent : "");
    el.progressBar.max = visible.length;
    el.progressBar.value = index + 1;
    if (focus && heading) {
      heading.focus();
    }
  }

  function stepValid(step, report) {
    if (step.getAttribute("data-step") !== "about") {
      return true;
    }
    const p = person();
    el.group.setCustomValidity(
      p.isChild && p.age === null && ADULT_GROUPS.includes(p.group) ? text.child_group || "invalid" : "");
    for (const control of step.querySelectorAll("input, select")) {
      if (!control.disabled && !control.checkValidity()) {
        if (report) {
          control.reportValidity();
        }
        return false;
      }
    }
    return true;
  }

  function move(by) {
    const visible = visibleSteps();
    const index = visible.indexOf(currentStep);
    if (by > 0 && !stepValid(currentStep, true)) {
      return;
    }
    const target = visible[Math.min(Math.max(index + by, 0), visible.length - 1)];
    show(target, true);
    target.scrollIntoView({ block: "start" });
  }

  function answersGiven(p) {
    const answers = [];
    for (const section of form.querySelectorAll("section[data-section]")) {
      if (!shown(section, p)) {
        continue; // a skipped section's answers are not sent
      }
      for (const question of section.querySelectorAll("[data-indicator]")) {
        const checked = question.querySelector('input[type="radio"]:checked');
        if (!checked) {
          continue;
        }
        const source = question.querySelector("select");
        answers.push({
          catalogue: question.getAttribute("data-catalogue"),
          indicator: question.getAttribute("data-indicator"),
          answer: checked.value,
          source: source ? source.value : question.hasAttribute("data-observe") ? "observed" : "self_reported",
        });
      }
    }
    return answers;
  }

  function finish(urgent) {
    const p = person();
    // An interview ended early for an urgent referral may not have reached the type of work: "not sure".
    p.workType = p.workType || "both";
    let group = p.group;
    if (urgent && p.isChild && p.age === null && ADULT_GROUPS.includes(group)) {
      group = "unknown"; // in doubt a child: never refused for it on the way to urgent help
    }
    const payload = {
      client_uuid: clientUuid,
      started_at: startedAt,
      finished_at: isoWithOffset(new Date()),
      offline: !navigator.onLine,
      interviewer_language: context.interviewer_language,
      interviewee_language: context.interviewee_language,
      // The address, not the page: a copy kept for offline use serves every interpreter choice.
      interpreter: new URLSearchParams(window.location.search).get("interpreter") === "1",
      catalogues: context.catalogues.map((c) => ({ code: c.code, version: c.version })),
      ticket: context.ticket, // the server's word that this copy predates any later retirement
      sex: el.sex.value || "unknown",
      age: p.age,
      age_group: group,
      is_child: p.isChild,
      citizenship: el.citizenship.value || "",
      work_type: p.workType,
      urgent: urgent,
      answers: answersGiven(p),
    };
    const takenBy = takenByOf(context);
    if (takenBy) {
      payload.taken_by = takenBy; // checked by the server: never sent under another account, organisation or realm
    }
    sent = payload;
    showPanel("sending");
    document.dispatchEvent(new CustomEvent("screening:finished", { detail: { payload: payload } }));
  }

  // Who takes this interview, as the page says: {user_id, organisation_id, realm_id}, or null when the page
  // does not give all three (offline.js then asks the server).
  function takenByOf(source) {
    const ids = [source.user_id, source.organisation_id, source.realm_id];
    if (!ids.every((id) => Number.isSafeInteger(id) && id > 0)) {
      return null;
    }
    return { user_id: ids[0], organisation_id: ids[1], realm_id: ids[2] };
  }

  function showPanel(name) {
    form.hidden = true;
    el.result.hidden = false;
    for (const panel of el.result.querySelectorAll("[data-panel]")) {
      panel.hidden = panel.getAttribute("data-panel") !== name;
    }
    el.result.focus();
  }

  function slot(name) {
    return el.result.querySelector('[data-slot="' + name + '"]');
  }

  function showQueued() {
    const lists = slot("lists");
    lists.replaceChildren();
    if (window.AllianceScoring) {
      const result = window.AllianceScoring.score(context, sent.answers, {
        isChild: sent.is_child, workType: sent.work_type, urgent: sent.urgent,
      });
      const band = (context.bands || {})[result.band] || { label: result.band, advice: "" };
      slot("band").textContent = band.label;
      slot("band").className = "band band-" + result.band;
      slot("advice").textContent = band.advice;
      for (const entry of result.lists) {
        const present = entry.dimensions.filter((d) => d.present)
          .map((d) => (context.dimension_labels || {})[d.dimension] || d.dimension);
        const item = document.createElement("li");
        item.textContent = ((context.list_labels || {})[entry.list] || entry.list) + ": " +
          (entry.indicated ? text.indicated : text.not_indicated) + ". " +
          (present.length ? (text.present || "%(dimensions)s").replace("%(dimensions)s", present.join(", "))
            : text.none_present || "");
        lists.append(item);
      }
    }
    showPanel("queued");
  }

  function messagesOf(errors, into) {
    if (!errors) {
      return into;
    }
    if (typeof errors === "string") {
      into.push(errors);
    } else if (Array.isArray(errors)) {
      errors.forEach((each) => messagesOf(each, into));
    } else if (typeof errors === "object") {
      if (typeof errors.message === "string" && !errors.details) {
        into.push(errors.message);
      }
      Object.keys(errors).filter((key) => key !== "message" && key !== "code")
        .forEach((key) => messagesOf(errors[key], into));
    }
    return into;
  }

  function showRefused(detail) {
    const found = detail.status === 409 ? [text.conflict] : [];
    messagesOf(detail.errors, found);
    const list = slot("errors");
    list.replaceChildren();
    for (const message of found) {
      const item = document.createElement("li");
      item.textContent = message; // never as HTML
      list.append(item);
    }
    showPanel("refused");
  }

  function mine(event) {
    return sent !== null && event.detail && event.detail.client_uuid === sent.client_uuid;
  }

  document.addEventListener("screening:stored", (event) => {
    if (mine(event)) {
      const id = encodeURIComponent(String(event.detail.id));
      window.location.assign(event.detail.url || context.detail_url_template.replace("/0/", "/" + id + "/"));
    }
  });
  document.addEventListener("screening:queued", (event) => {
    if (mine(event)) {
      showQueued();
    }
  });
  document.addEventListener("screening:refused", (event) => {
    if (mine(event)) {
      showRefused(event.detail);
    }
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const urgent = Boolean(event.submitter && event.submitter.hasAttribute("data-urgent"));
    const about = steps[0];
    if (!urgent && !stepValid(about, false)) {
      show(about, true);
      stepValid(about, true);
      return;
    }
    finish(urgent);
  });
  form.addEventListener("keydown", (event) => {
    // Enter in a field goes to the next step; it never finishes the interview by surprise.
    const target = event.target;
    if (event.key === "Enter" && !event.isComposing && target instanceof HTMLInputElement) {
      event.preventDefault();
      if (!el.next.hidden) {
        move(1);
      }
    }
  });
  form.addEventListener("change", (event) => {
    const name = event.target && event.target.name;
    if (name === "age" || name === "age_group" || name === "is_child" || name === "work_type") {
      syncPerson();
      show(currentStep, false);
    }
  });
  el.age.addEventListener("input", () => {
    syncPerson();
    show(currentStep, false);
  });
  el.back.addEventListener("click", () => move(-1));
  el.next.addEventListener("click", () => move(1));
  el.result.querySelector("[data-reopen]").addEventListener("click", () => {
    el.result.hidden = true;
    form.hidden = false;
    show(steps[0], true);
  });

  form.noValidate = true; // each step is checked when leaving it
  form.classList.add("guided");
  el.progress.hidden = false;
  syncPerson();
  show(steps[0], false);
})();
