// Posts the launch form as soon as the page is ready (LTI id_token, Deep Linking response).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("lti-autopost");
  if (form) { form.submit(); }
});
