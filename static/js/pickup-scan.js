// The pickup code scanner (templates/pickup/scan.html): where the browser has BarcodeDetector
// and a camera, "Scan with the camera" reads the QR on the customer's order page, puts what it
// reads in the code box and submits it. Elsewhere the box is typed, as without JavaScript.
(() => {
  const box = document.querySelector("[data-scanner]");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices?.getUserMedia) return;
  const start = box.querySelector("[data-scan-start]");
  const video = box.querySelector("[data-scan-video]");
  const status = box.querySelector("[data-scan-status]");
  let stream = null;

  const stop = () => {
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
  };

  const found = (text) => {
    stop();
    const input = document.getElementById("code");
    const form = document.getElementById("code-form");
    if (!input || !form) return;
    input.value = text;
    form.requestSubmit();
  };

  const read = async (detector) => {
    if (!stream) return;
    try {
      const codes = await detector.detect(video);
      if (codes.length) return found(codes[0].rawValue);
    } catch (error) {
      // a frame that could not be read: try the next one
    }
    setTimeout(() => read(detector), 200);
  };

  start.addEventListener("click", async () => {
    if (stream) return stop();
    try {
      const formats = await BarcodeDetector.getSupportedFormats();
      if (!formats.includes("qr_code")) throw new Error("no qr_code");
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1280 } },
      });
      const [track] = stream.getVideoTracks();
      const can = track.getCapabilities ? track.getCapabilities() : {};
      if (can.torch) track.applyConstraints({ advanced: [{ torch: true }] }).catch(() => {});
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      status.textContent = start.dataset.looking || "";
      read(new BarcodeDetector({ formats: ["qr_code"] }));
    } catch (error) {
      stop();
      status.textContent = start.dataset.failed || "";
    }
  });

  box.hidden = false;
  window.addEventListener("pagehide", stop);
})();
