// The one table of user-visible text: zh-CN first, English second. Vocabulary labels (kinds,
// amenities) come from /api/v1/meta, which carries both languages.

const table = {
  appName: ['驿站地图', 'Yizhan'],
  loading: ['正在加载…', 'Loading…'],
  nearest: ['离你最近', 'Nearest to you'],
  searchResults: ['搜索结果', 'Search results'],
  searchLabel: ['搜索驿站名称或地址', 'Search by name or address'],
  searchPlaceholder: ['搜索：名称、地址', 'Search: name, address'],
  clearSearch: ['清除搜索', 'Clear search'],
  filters: ['筛选', 'Filters'],
  openNow: ['正在营业', 'Open now'],
  showList: ['列表', 'List'],
  showMap: ['地图', 'Map'],
  noResults: ['附近没有符合条件的驿站。可以减少筛选条件。', 'No station matches. Try fewer filters.'],
  offline: ['离线', 'Offline'],
  online: ['在线', 'Online'],
  dataAge: ['数据更新于{0}', 'Data from {0}'],
  justNow: ['刚刚', 'just now'],
  minutesAgo: ['{0}分钟前', '{0} min ago'],
  hoursAgo: ['{0}小时前', '{0} h ago'],
  daysAgo: ['{0}天前', '{0} days ago'],
  noData: ['还没有驿站数据：请连接网络后打开一次。', 'No station data yet: open once with a network connection.'],
  locating: ['正在定位…', 'Finding your position…'],
  locationDenied: ['无法获取位置，按沈阳市中心显示。', 'No position; showing central Shenyang.'],
  accuracy: ['定位精度约{0}米', 'Accuracy about {0} m'],
  stateOpen: ['营业中', 'Open'],
  stateClosingSoon: ['即将关门', 'Closing soon'],
  stateClosed: ['已关门', 'Closed'],
  stateUnknown: ['时间不详', 'Hours unknown'],
  opensAt: ['{0}开门', 'Opens {0}'],
  closesAt: ['{0}关门', 'Closes {0}'],
  statusTemporarilyClosed: ['暂停开放', 'Temporarily closed'],
  statusClosed: ['已关闭', 'Closed for good'],
  distance: ['{0}', '{0}'],
  metres: ['{0}米', '{0} m'],
  kilometres: ['{0}公里', '{0} km'],
  dirN: ['北', 'N'], dirNE: ['东北', 'NE'], dirE: ['东', 'E'], dirSE: ['东南', 'SE'],
  dirS: ['南', 'S'], dirSW: ['西南', 'SW'], dirW: ['西', 'W'], dirNW: ['西北', 'NW'],
  towards: ['{0}方向{1}', '{1} {0}'],
  close: ['关闭', 'Close'],
  details: ['详情', 'Details'],
  amenities: ['服务设施', 'Amenities'],
  hours: ['开放时间', 'Opening hours'],
  hoursAsText: ['（原文，无法自动判断）', '(as written; not understood automatically)'],
  today: ['今天', 'Today'],
  closedAllDay: ['休息', 'Closed'],
  unknownAllDay: ['不详', 'Unknown'],
  allDay: ['全天', 'All day'],
  holiday: ['节假日', 'Public holiday'],
  address: ['地址', 'Address'],
  phone: ['电话', 'Phone'],
  call: ['拨打 {0}', 'Call {0}'],
  operator: ['运营单位', 'Run by'],
  audience: ['服务对象', 'For'],
  confirmed: ['信息确认于{0}', 'Confirmed {0}'],
  neverConfirmed: ['信息尚未确认', 'Never confirmed'],
  navigate: ['导航', 'Navigate'],
  navAmap: ['高德地图', 'Amap'],
  navBaidu: ['百度地图', 'Baidu Maps'],
  navApple: ['苹果地图', 'Apple Maps'],
  navGoogle: ['谷歌地图', 'Google Maps'],
  navGeo: ['其他地图应用', 'Other map app'],
  report: ['报告问题', 'Report a problem'],
  reportTitle: ['这个驿站有什么问题？', 'What is wrong with this station?'],
  reportNote: ['补充说明（可选）', 'Note (optional)'],
  reportSend: ['提交', 'Send'],
  reportSent: ['已提交，谢谢！', 'Sent. Thank you!'],
  reportQueued: ['当前离线，恢复网络后自动提交。', 'Offline: it will be sent when you are back online.'],
  reportFailed: ['提交失败：{0}', 'Could not send: {0}'],
  reportsPending: ['{0}条报告待发送', '{0} report(s) waiting to be sent'],
  reasonClosed: ['到了却关门', 'Closed when I arrived'],
  reasonLocked: ['门锁着', 'Locked'],
  reasonWrongLocation: ['位置不对', 'Wrong location'],
  reasonWrongHours: ['开放时间不对', 'Wrong opening hours'],
  reasonAmenityMissing: ['缺少所列设施', 'An amenity is missing'],
  reasonOther: ['其他', 'Other'],
  settings: ['设置', 'Settings'],
  language: ['English', '中文'],
  largeText: ['大字', 'Large text'],
  darkTheme: ['夜间模式', 'Night mode'],
  myLocation: ['回到我的位置', 'Back to my position'],
  map: ['地图', 'Map'],
  list: ['驿站列表', 'Station list'],
  clusterCount: ['{0}个驿站', '{0} stations'],
  kindFilter: ['类型', 'Kind'],
  weekdays: ['一二三四五六日', 'MoTuWeThFrSaSu'],
};

const langKey = 'yizhan.lang';
let lang = (globalThis.localStorage && localStorage.getItem(langKey)) || 'zh-CN';

/** The current language: "zh-CN" or "en". */
export function getLang() { return lang; }

/** Switches the language and remembers it. */
export function setLang(l) {
  lang = l === 'en' ? 'en' : 'zh-CN';
  localStorage.setItem(langKey, lang);
  document.documentElement.lang = lang;
}

/** The text for key in the current language, with {0}, {1} … replaced by args. */
export function t(key, ...args) {
  const entry = table[key];
  if (!entry) return key;
  let s = entry[lang === 'en' ? 1 : 0];
  args.forEach((a, i) => { s = s.replaceAll(`{${i}}`, String(a)); });
  return s;
}

/** Picks the current language from a {"zh-CN", "en"} label as /api/v1/meta sends them. */
export function label(l) {
  if (!l) return '';
  return lang === 'en' ? (l.en || l['zh-CN']) : (l['zh-CN'] || l.en);
}

/** The short weekday name, Monday = 0. */
export function weekdayName(i) {
  return lang === 'en' ? table.weekdays[1].slice(2 * i, 2 * i + 2) : '周' + table.weekdays[0][i];
}
