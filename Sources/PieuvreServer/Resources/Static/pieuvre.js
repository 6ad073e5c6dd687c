// The portal's few behaviours, as a file of the app's own: the Content-Security-Policy allows
// no inline script.
document.addEventListener('DOMContentLoaded', function () {
  // A CSV chosen as a file is sent through the text area (no multipart parsing on the server).
  var file = document.getElementById('csvfile');
  if (file) {
    file.addEventListener('change', function (e) {
      var f = e.target.files[0];
      if (f) { f.text().then(function (t) { document.getElementById('csv').value = t; }); }
    });
  }
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
