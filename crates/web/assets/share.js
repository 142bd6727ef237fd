// Sharing where scripts run: a button that copies the campaign's short link, and one that
// opens the phone's own share sheet (navigator.share) where there is one. Without this
// script the links and the selectable address beside them do the same job.
(function () {
  "use strict";
  var copy = document.querySelector("[data-copy]");
  var field = copy && document.getElementById(copy.getAttribute("data-copy"));
  if (copy && field && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        copy.textContent = copy.getAttribute("data-copied");
      });
    });
  }
  var share = document.querySelector("[data-share]");
  var address = share && document.getElementById(share.getAttribute("data-share"));
  if (share && address && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: document.title, url: address.value }).catch(function () {});
    });
  }
})();
