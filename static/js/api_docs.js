// The API documentation page (templates/api/docs.html): Swagger UI from static/vendor/,
// «Try it out» with the signed-in session and its CSRF token.
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  if (!element || !window.SwaggerUIBundle) return;
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  window.SwaggerUIBundle({
    url: element.dataset.schemaUrl,
    domNode: element,
    deepLinking: false,
    requestInterceptor: function (request) {
      if (csrf) request.headers["X-CSRFToken"] = csrf;
      return request;
    },
  });
})();
