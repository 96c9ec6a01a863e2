/* The review screen: a card hovered or focused lights its passage in the document text, and
   a highlighted passage clicked brings its card into view. Without this script every card
   still shows its passage ("Source passage"). */
(function () {
  "use strict";

  function marks(id) {
    return document.querySelectorAll('#doc-text mark[data-cards~="' + id + '"]');
  }

  function light(card, on) {
    if (!card) { return; }
    var found = marks(card.dataset.card);
    found.forEach(function (m) { m.classList.toggle("lit", on); });
    if (on && found.length) {
      var pane = document.getElementById("doc-text");
      var first = found[0];
      var top = first.offsetTop - pane.offsetTop;
      if (top < pane.scrollTop || top > pane.scrollTop + pane.clientHeight - 40) {
        pane.scrollTop = Math.max(0, top - 40);
      }
    }
  }

  function cardOf(target) {
    return target && target.closest ? target.closest(".proposal[data-card]") : null;
  }

  document.addEventListener("mouseover", function (e) { light(cardOf(e.target), true); });
  document.addEventListener("mouseout", function (e) {
    var card = cardOf(e.target);
    if (card && !card.contains(e.relatedTarget)) { light(card, card.contains(document.activeElement)); }
  });
  document.addEventListener("focusin", function (e) { light(cardOf(e.target), true); });
  document.addEventListener("focusout", function (e) {
    var card = cardOf(e.target);
    if (card && !card.contains(e.relatedTarget)) { light(card, false); }
  });
  document.addEventListener("click", function (e) {
    var mark = e.target.closest ? e.target.closest("#doc-text mark[data-cards]") : null;
    if (!mark) { return; }
    var card = document.getElementById("card-" + mark.dataset.cards.split(" ").pop());
    if (card) { card.scrollIntoView({ block: "center" }); card.focus({ preventScroll: true }); }
  });

  // Split at the cursor: the form sends where the caret stands in the card's text (in
  // characters, as the server counts them). Without this script the text is cut at its first
  // line break.
  function codePoints(text) { return Array.from(text).length; }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains("split-form")) { return; }
    var area = form.querySelector("textarea[name=content]");
    var at = form.querySelector("input[name=at]");
    if (area && at) { at.value = String(codePoints(area.value.slice(0, area.selectionStart))); }
  }, true);

  // Opening "Split" puts the caret at the suggested place (the sentence end nearest the middle).
  document.addEventListener("toggle", function (e) {
    var details = e.target;
    if (!details.classList || !details.classList.contains("proposal-split") || !details.open) { return; }
    var area = details.querySelector("textarea[data-split-at]");
    if (!area) { return; }
    var n = parseInt(area.dataset.splitAt, 10) || 0;
    var index = Array.from(area.value).slice(0, n).join("").length;
    area.focus();
    area.setSelectionRange(index, index);
  }, true);

  // A stale form (409) or a refused one (400) shows its message in place of the review.
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr.status === 409 || e.detail.xhr.status === 400) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  // On a phone the document starts folded: the cards show their passages.
  document.addEventListener("DOMContentLoaded", function () {
    var text = document.querySelector(".review-text");
    if (text && window.matchMedia("(max-width: 800px)").matches) { text.open = false; }
  });
})();
