// plugin-throttling uses Bottleneck's light build; it has the same API as the full one, whose
// types are the only ones Bottleneck ships.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
