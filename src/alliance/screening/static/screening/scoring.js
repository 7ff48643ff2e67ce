// The ILO/EC combination rule in the browser, for the PROVISIONAL result shown when a screening is kept
// offline. The same rule as screening/domain/rules.py and screening/domain/scoring.py (a test compares the two on generated
// answer sets); the server always computes the result that counts.
//
//   window.AllianceScoring.score(context, answers, {isChild, workType, urgent})
//     context: the page's screening-context JSON ({ratings: {indicator: {list: rating}},
//              dimensions: {indicator: dimension}} for the operational catalogue)
//     answers: [{catalogue, indicator, answer}] as in the payload (only "yes" counts)
//     returns {band, indicators_present, lists: [{list, indicated, dimensions: [{dimension, present}]}]}
(function () {
  "use strict";

  const OPERATIONAL = "ilo-ec-operational";
  const DIMENSIONS = [
    "deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability",
    "exploitative_conditions", "coercion_at_destination", "abuse_of_vulnerability_at_destination",
  ];
  const RECRUITMENT = DIMENSIONS.slice(0, 3);
  const EXPLOITATIVE_CONDITIONS = DIMENSIONS[3];
  const AT_DESTINATION = DIMENSIONS.slice(4);

  // The lists the answers are scored against (interview.lists_for).
  function listsFor(isChild, workType) {
    const who = isChild ? "children" : "adults";
    const kinds = workType === "labour" ? ["labour"] : workType === "sexual" ? ["sexual"] : ["labour", "sexual"];
    return kinds.map((kind) => who + "_" + kind);
  }

  // A dimension is present with >= 2 strong; 1 strong and 1 medium or weak; >= 3 medium; 2 medium and 1 weak.
  function dimensionPresent(ratings) {
    const counts = { strong: 0, medium: 0, weak: 0 };
    for (const rating of ratings) {
      if (!Object.prototype.hasOwnProperty.call(counts, rating)) {
        throw new Error("unknown rating: " + rating);
      }
      counts[rating] += 1;
    }
    const { strong, medium, weak } = counts;
    return strong >= 2 || (strong === 1 && medium + weak >= 1) || medium >= 3 || (medium >= 2 && weak >= 1);
  }

  function yesAnswers(answers) {
    const yes = new Set();
    for (const item of answers || []) {
      if (item && item.answer === "yes") {
        yes.add(item.catalogue + "\n" + item.indicator);
      }
    }
    return yes;
  }

  function score(context, answers, options) {
    const isChild = Boolean(options && options.isChild);
    const urgent = Boolean(options && options.urgent);
    const workType = options && options.workType;
    const yes = yesAnswers(answers);
    const ratings = context.ratings || {};
    const dimensionOf = context.dimensions || {};
    const found = Object.keys(dimensionOf).filter((id) => yes.has(OPERATIONAL + "\n" + id));
    const lists = listsFor(isChild, workType).map((list) => {
      const dimensions = DIMENSIONS.map((dimension) => ({
        dimension: dimension,
        present: dimensionPresent(found.filter((id) => dimensionOf[id] === dimension).map((id) => ratings[id][list])),
      }));
      const present = new Set(dimensions.filter((d) => d.present).map((d) => d.dimension));
      // For a child the recruitment condition (the means) is not required.
      const recruitment = isChild || RECRUITMENT.some((d) => present.has(d));
      const indicated = recruitment && present.has(EXPLOITATIVE_CONDITIONS) && AT_DESTINATION.some((d) => present.has(d));
      return { list: list, indicated: indicated, dimensions: dimensions };
    });
    const counted = yes.size;
    let band = "none";
    if (isChild && (counted > 0 || urgent)) {
      band = "child";
    } else if (urgent || lists.some((entry) => entry.indicated)) {
      band = "refer";
    } else if (counted > 0) {
      band = "monitor";
    }
    return { band: band, indicators_present: counted, lists: lists };
  }

  window.AllianceScoring = { score: score, listsFor: listsFor, dimensionPresent: dimensionPresent };
})();
