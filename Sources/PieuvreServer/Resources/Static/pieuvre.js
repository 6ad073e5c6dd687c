// The portal's few behaviours, as a file of the app's own: the Content-Security-Policy allows
// no inline script.
document.addEventListener('DOMContentLoaded', function () {
  // A file chosen is sent through its text area (no multipart parsing on the server).
  document.querySelectorAll('input[type=file][data-fills]').forEach(function (input) {
    input.addEventListener('change', function (e) {
      var f = e.target.files[0];
      var area = document.getElementById(input.getAttribute('data-fills'));
      if (f && area) { f.text().then(function (t) { area.value = t; }); }
    });
  });
  // Buttons that ask first ("Vider").
  document.querySelectorAll('button[data-confirm]').forEach(function (button) {
    button.addEventListener('click', function (e) {
      if (!window.confirm(button.getAttribute('data-confirm'))) { e.preventDefault(); }
    });
  });
  // "Supprimer ce téléphone ?": forms that ask first.
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) { e.preventDefault(); }
    });
  });
  // A layer chooser submits itself.
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
});
