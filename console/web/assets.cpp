// The stylesheet and the playback script (assets.hpp). Plain CSS and plain JavaScript, no framework.
#include "console/web/assets.hpp"

namespace bodycam::console::web {

namespace {

constexpr std::string_view stylesheet = R"css(body { font-family: sans-serif; margin: 0; color: #1d1d1d; background: #fafafa; }
header { display: flex; gap: 1em; align-items: center; padding: .5em 1em; background: #203040; color: #fff; }
header a.brand { color: #fff; font-weight: bold; text-decoration: none; }
header .who { margin-left: auto; }
header form.logout { margin: 0; }
main { padding: 1em 2em; }
table { border-collapse: collapse; margin: .5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: left; }
th { background: #eef; }
.problem { color: #a00; font-weight: bold; }
form.login label, form.filters label { display: block; margin: .4em 0; }
form.filters label { display: inline-block; margin-right: 1em; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
dl.facts dt { font-weight: bold; }
video { width: 100%; max-width: 960px; background: #000; }
pre { background: #fff; border: 1px solid #ccc; padding: 1em; overflow-x: auto; }
table.statistics td:nth-child(n+3) { text-align: right; }
figure { margin: 1em 0; overflow-x: auto; }
svg.chart { background: #fff; border: 1px solid #ccc; max-width: 100%; height: auto; }
)css";

constexpr std::string_view script = R"js('use strict';
// Plays a whole session: each segment (fragmented MP4) appended in order to one MediaSource buffer.
(function () {
  const video = document.getElementById('player');
  if (!video) return;
  const status = document.getElementById('player-status');
  const say = (text) => { if (status) status.textContent = text; };
  const urls = (video.dataset.segments || '').split(' ').filter((u) => u.length > 0);
  if (urls.length === 0) { say('This session has no segment to play.'); return; }
  if (!window.MediaSource) { say('This browser cannot play fragmented MP4 through Media Source Extensions.'); return; }
  const candidates = [
    'video/mp4; codecs="avc1.64001f, mp4a.40.2"', 'video/mp4; codecs="avc1.42E01E, mp4a.40.2"',
    'video/mp4; codecs="avc1.64001f"', 'video/mp4; codecs="avc1.42E01E"', 'video/mp4',
  ];
  const type = candidates.find((t) => MediaSource.isTypeSupported(t));
  if (!type) { say('This browser supports none of the codecs a segment may use.'); return; }
  const source = new MediaSource();
  video.src = URL.createObjectURL(source);
  source.addEventListener('sourceopen', async () => {
    const buffer = source.addSourceBuffer(type);
    buffer.mode = 'sequence';
    const appended = (bytes) => new Promise((resolve, reject) => {
      buffer.addEventListener('updateend', resolve, { once: true });
      buffer.addEventListener('error', reject, { once: true });
      buffer.appendBuffer(bytes);
    });
    try {
      for (let i = 0; i < urls.length; i++) {
        say('Loading segment ' + (i + 1) + ' of ' + urls.length + '…');
        const response = await fetch(urls[i], { credentials: 'same-origin' });
        if (!response.ok) throw new Error('segment ' + (i + 1) + ': HTTP ' + response.status);
        await appended(await response.arrayBuffer());
      }
      source.endOfStream();
      say('All ' + urls.length + ' segment(s) loaded.');
    } catch (e) {
      say('Playback stopped: ' + e.message);
      if (source.readyState === 'open') source.endOfStream('network');
    }
  });
})();
)js";

}  // namespace

std::optional<static_asset> find_static_asset(std::string_view path) {
  if (path == "/static/console.css") return static_asset{"text/css; charset=utf-8", stylesheet};
  if (path == "/static/console.js") return static_asset{"text/javascript; charset=utf-8", script};
  return std::nullopt;
}

}  // namespace bodycam::console::web
